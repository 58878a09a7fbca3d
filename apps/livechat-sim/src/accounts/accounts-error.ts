import type { ServerResponse } from 'node:http';
import { sendJson } from '../common/http-io.util';

/** The Accounts API's own error format, unlike the chat APIs': `{"oauth_exception","exception_description"}`. */
export class AccountsError extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    readonly description: string,
  ) {
    super(description);
  }

  send(res: ServerResponse): void {
    sendJson(res, this.status, { oauth_exception: this.exception, exception_description: this.description });
  }
}

const STATUS_BY_EXCEPTION: Record<string, number> = {
  invalid_client: 401,
  unauthorized_client: 401,
  access_denied: 401,
  forbidden: 403,
  resource_not_found: 404,
  conflict: 409,
  server_error: 500,
  temporarily_unavailable: 503,
};

/** Status for an injected Accounts fault: the documented 401 for auth problems, else 400. */
export function accountsStatus(exception: string): number {
  return STATUS_BY_EXCEPTION[exception] ?? 400;
}

export const invalidRequest = (description: string): AccountsError => new AccountsError(400, 'invalid_request', description);
export const unauthorized = (description: string): AccountsError => new AccountsError(401, 'invalid_request', description);
