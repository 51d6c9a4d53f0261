// One error type per meaning, mapped to HTTP in one place (toHttpError).
import { ZodError } from "zod";

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends AppError {
  constructor(message: string, fields?: FieldError[]) {
    super(400, "invalid_input", message, fields);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = "Sign-in or a valid bearer token is required.") {
    super(401, "unauthorized", message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}
export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, "not_found", `${what} was not found.`);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, fields?: FieldError[]) {
    super(409, "conflict", message, fields);
  }
}
/** Well-formed input the hub refuses to store, e.g. a personal identity number in a post. */
export class UnprocessableError extends AppError {
  constructor(code: string, message: string, fields?: FieldError[]) {
    super(422, code, message, fields);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(message: string) {
    super(429, "too_many_requests", message);
  }
}
/** The database does not answer (down, unreachable, timed out): try again shortly. */
export class ServiceUnavailableError extends AppError {
  constructor(
    message = "The database does not answer right now; try again shortly.",
    readonly retryAfterSeconds = 5,
  ) {
    super(503, "database_unavailable", message);
  }
}

export function fieldsOf(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message }));
}

export interface HttpError {
  status: number;
  body: { error: { code: string; message: string; fields?: FieldError[] } };
}

export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof ZodError) {
    const fields = fieldsOf(error);
    return {
      status: 400,
      body: {
        error: {
          code: "invalid_input",
          message: `Invalid input: ${fields.map((f) => f.field).join(", ")}.`,
          fields,
        },
      },
    };
  }
  if (error instanceof AppError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } },
    };
  }
  return null;
}
