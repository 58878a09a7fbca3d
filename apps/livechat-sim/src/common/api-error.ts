/**
 * With the message LiveChat's public error table gives each type. Statuses are not documented per
 * type, so they are a setting (`errorStatuses`).
 */
export type ApiErrorType =
  | 'authentication'
  | 'authorization'
  | 'chat_anonymized'
  | 'chat_inactive'
  | 'customer_banned'
  | 'entity_too_large'
  | 'greeting_not_found'
  | 'group_not_found'
  | 'group_offline'
  | 'group_unavailable'
  | 'groups_offline'
  | 'internal'
  | 'license_expired'
  | 'license_not_found'
  | 'limit_reached'
  | 'misdirected_request'
  | 'request_timeout'
  | 'service_unavailable'
  | 'too_many_requests'
  | 'unsupported_version'
  | 'validation'
  | 'wrong_product_version'
  | 'not_found'
  | 'not_allowed'
  | 'already_exists'
  | 'missing_access';

export const DEFAULT_ERROR_MESSAGES: Readonly<Record<ApiErrorType, string>> = {
  // The live service answers this rather than the table's generic text.
  authentication: 'Invalid access token',
  authorization: 'Authorization error',
  chat_anonymized: 'Chat anonymized',
  chat_inactive: 'Chat is inactive',
  customer_banned: 'Customer is banned',
  entity_too_large: 'Upload limit exceeded (10MB).',
  greeting_not_found: 'Greeting not found',
  group_not_found: 'Group not found',
  group_offline: 'Group is offline',
  group_unavailable: 'No agent available for group',
  groups_offline: 'Groups offline',
  internal: 'Internal server error',
  license_expired: 'License expired',
  license_not_found: 'License not found',
  limit_reached: 'Limit reached',
  misdirected_request: 'Wrong region',
  request_timeout: 'Request timed out',
  service_unavailable: 'Service unavailable',
  too_many_requests: 'Too many requests',
  unsupported_version: 'Cannot call unsupported API versions.',
  validation: 'Wrong format of request',
  wrong_product_version: 'Wrong product version',
  not_found: 'Not found',
  not_allowed: 'Not allowed',
  already_exists: 'Already exists',
  missing_access: 'Missing access',
};

/** [unverified] The obvious mapping; anything not listed answers 400. */
export const DEFAULT_ERROR_STATUSES: Readonly<Partial<Record<string, number>>> = {
  authentication: 401,
  authorization: 403,
  missing_access: 403,
  validation: 400,
  chat_inactive: 400,
  not_found: 404,
  license_not_found: 404,
  too_many_requests: 429,
  misdirected_request: 421,
  entity_too_large: 413,
  internal: 500,
  service_unavailable: 503,
  request_timeout: 504,
};

/** Thrown by services; the routes render it as `{"error":{"type","message","data?"}}`. */
export class ApiError extends Error {
  constructor(
    readonly type: ApiErrorType | string,
    message?: string,
    readonly data?: Record<string, unknown>,
    /** Overrides the type's mapped HTTP status (used by injected faults). */
    readonly status?: number,
  ) {
    super(message ?? DEFAULT_ERROR_MESSAGES[type as ApiErrorType] ?? type);
  }

  body(): { error: { type: string; message: string; data?: Record<string, unknown> } } {
    return { error: this.data ? { type: this.type, message: this.message, data: this.data } : { type: this.type, message: this.message } };
  }
}

export function validation(message: string): ApiError {
  return new ApiError('validation', message);
}

export class ErrorStatusMap {
  private readonly statuses: Record<string, number>;

  constructor(overrides: Partial<Record<string, number>> = {}) {
    this.statuses = { ...(DEFAULT_ERROR_STATUSES as Record<string, number>), ...(overrides as Record<string, number>) };
  }

  statusOf(error: ApiError | string): number {
    if (typeof error !== 'string' && error.status !== undefined) return error.status;
    return this.statuses[typeof error === 'string' ? error : error.type] ?? 400;
  }
}
