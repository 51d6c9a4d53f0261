// Dates from clients, bounded to years PostgreSQL and ISO 8601 both write plainly: a year such
// as 99999 parses in JavaScript but cannot be stored or compared in the database.
import { z } from "zod";

export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 9999;

export const boundedDate = () =>
  z.coerce.date().refine((date) => {
    const year = date.getUTCFullYear();
    return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
  }, `Use a date between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}.`);
