// One error type per meaning, mapped to HTTP in one place (toHttpError). Every error carries a
// code from errorCodes and the parameters its words need: clients and the staff pages choose
// their words by code, so rewording an English message never breaks a page.
import { ZodError } from "zod";

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** Every code the hub answers with, and its HTTP status (documented in README.md, "Error codes"). */
export const errorCodes = {
  // 400: the input is wrong
  invalid_input: 400,
  invalid_json: 400,
  nothing_to_change: 400,
  department_unknown: 400,
  department_retired: 400,
  editor_department_required: 400,
  account_unknown: 400,
  incident_unknown: 400,
  target_unknown: 400,
  target_closed: 400,
  account_platform_mismatch: 400,
  removed_at_in_future: 400,
  period_ends_in_future: 400,
  period_starts_in_future: 400,
  period_reversed: 400,
  current_password_wrong: 400,
  unstorable_text: 400,
  remote_id_malformed: 400,
  image_undecodable: 400,
  media_unknown: 400,
  placeholder_unfilled: 400,
  placeholder_unknown: 400,
  colour_contrast_too_low: 400,
  logo_type_unsupported: 400,
  logo_too_large: 400,
  logo_unsafe: 400,
  logo_invalid: 400,
  area_code_unknown: 400,
  polygon_not_closed: 400,
  assignee_unknown: 400,
  language_invalid: 400,
  language_not_offered: 400,
  language_swedish_first: 400,
  translation_swedish: 400,
  // 401: who is asking is unknown
  unauthorized: 401,
  wrong_credentials: 401,
  oidc_sign_in_failed: 401,
  // 403: known, but not allowed
  forbidden: 403,
  role_forbidden: 403,
  scope_forbidden: 403,
  token_read_only: 403,
  csrf_required: 403,
  account_not_permitted: 403,
  borrowing_incident_not_active: 403,
  borrowing_reason_required: 403,
  editor_own_updates_only: 403,
  four_eyes: 403,
  removal_own_department_only: 403,
  tokens_of_others: 403,
  token_scopes_too_wide: 403,
  person_disabled: 403,
  urgent_not_allowed: 403,
  oidc_no_role: 403,
  password_sign_in_off: 403,
  // 404
  not_found: 404,
  // 409: the request is fine but the state does not allow it
  conflict: 409,
  incident_resolved: 409,
  incident_already_resolved: 409,
  update_withdrawn: 409,
  update_already_withdrawn: 409,
  text_unchanged: 409,
  update_not_awaiting_approval: 409,
  update_has_no_poster: 409,
  delivery_not_failed: 409,
  account_already_registered: 409,
  account_closed: 409,
  account_already_closed: 409,
  snapshot_required: 409,
  email_taken: 409,
  last_admin: 409,
  department_name_taken: 409,
  department_not_renamable: 409,
  department_already_retired: 409,
  department_has_accounts: 409,
  template_retired: 409,
  template_already_retired: 409,
  author_already_told: 409,
  oidc_email_taken: 409,
  person_already_linked: 409,
  oidc_not_configured: 409,
  inbox_item_removed: 409,
  inbox_answer_pending: 409,
  exercise_fixed: 409,
  exercise_account_required: 409,
  incident_not_exercise: 409,
  exercise_already_reset: 409,
  // 413
  payload_too_large: 413,
  // 415
  image_type_unsupported: 415,
  // 422: well-formed, but the hub refuses to store or do it
  personnummer_found: 422,
  no_account: 422,
  not_supported: 422,
  no_credential: 422,
  // 429
  too_many_requests: 429,
  sign_in_throttled: 429,
  // 503
  database_unavailable: 503,
} as const satisfies Record<string, Status>;

export type ErrorCode = keyof typeof errorCodes;
/** The codes answered with one status: each error class takes only its own. */
type CodeOf<S extends Status> = { [K in ErrorCode]: (typeof errorCodes)[K] extends S ? K : never }[ErrorCode];
export type ErrorParams = Record<string, string | number>;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(errorCodes, code);
}

export interface FieldError {
  field: string;
  message: string;
  /** An ErrorCode, or zod's issue code for input that failed its schema. */
  code?: string;
  params?: ErrorParams;
}

export interface ErrorDetail {
  fields?: FieldError[];
  params?: ErrorParams;
}

export class AppError extends Error {
  readonly fields?: FieldError[];
  readonly params?: ErrorParams;
  constructor(
    readonly status: Status,
    readonly code: ErrorCode,
    message: string,
    detail: ErrorDetail = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.fields = detail.fields;
    this.params = detail.params;
  }
}

export class InvalidInputError extends AppError {
  constructor(code: CodeOf<400>, message: string, detail?: ErrorDetail) {
    super(400, code, message, detail);
  }
}
export class UnauthorizedError extends AppError {
  constructor(
    code: CodeOf<401> = "unauthorized",
    message = "Sign-in or a valid bearer token is required.",
    detail?: ErrorDetail,
  ) {
    super(401, code, message, detail);
  }
}
export class ForbiddenError extends AppError {
  constructor(code: CodeOf<403>, message: string, detail?: ErrorDetail) {
    super(403, code, message, detail);
  }
}
export class NotFoundError extends AppError {
  /** `what` is a noun the texts know ("incident", "account"); `id` only words the English. */
  constructor(what: string, id?: string) {
    const noun = id ? `${what[0].toUpperCase()}${what.slice(1)} ${id}` : `The ${what}`;
    super(404, "not_found", `${noun} was not found.`, { params: { what } });
  }
}
export class ConflictError extends AppError {
  constructor(code: CodeOf<409>, message: string, detail?: ErrorDetail) {
    super(409, code, message, detail);
  }
}
/** A body of a type the route does not take (an upload that is not JPEG, PNG or WebP). */
export class UnsupportedMediaTypeError extends AppError {
  constructor(code: CodeOf<415>, message: string, detail?: ErrorDetail) {
    super(415, code, message, detail);
  }
}
/** Well-formed input the hub refuses to store, e.g. a personal identity number in a post. */
export class UnprocessableError extends AppError {
  constructor(code: CodeOf<422>, message: string, detail?: ErrorDetail) {
    super(422, code, message, detail);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(code: CodeOf<429>, message: string, detail?: ErrorDetail) {
    super(429, code, message, detail);
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

/** A zod refinement names its own code (params: { code }); other issues keep zod's code. */
export function fieldsOf(error: ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const own = issue.code === "custom" ? issue.params?.code : undefined;
    const { code: _code, ...params } = (issue.code === "custom" ? issue.params : undefined) ?? {};
    return {
      field: issue.path.join(".") || "(body)",
      code: isErrorCode(own) ? own : issue.code,
      message: issue.message,
      ...(Object.keys(params).length ? { params: params as ErrorParams } : {}),
    };
  });
}

export interface HttpError {
  status: number;
  body: { error: { code: string; message: string; fields?: FieldError[]; params?: ErrorParams } };
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
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.fields ? { fields: error.fields } : {}),
          ...(error.params ? { params: error.params } : {}),
        },
      },
    };
  }
  return null;
}
