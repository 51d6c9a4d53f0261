// An account as a record: its registry data, never its credential. Selecting these columns
// (rather than removing the credential afterwards) means the ciphertext is not even read.
import { getTableColumns } from "drizzle-orm";
import { accounts, snapshots } from "../../db/schema";

const { credentialCiphertext: _credential, ...recordColumns } = getTableColumns(accounts);

export const ACCOUNT_RECORD_COLUMNS = recordColumns;
export type AccountRecord = Omit<typeof accounts.$inferSelect, "credentialCiphertext">;

/** A snapshot as listed and registered: everything but its (large) data, which its checksum covers. */
const { data: _data, ...snapshotSummary } = getTableColumns(snapshots);
export const SNAPSHOT_SUMMARY_COLUMNS = snapshotSummary;
