/**
 * An answer other than success, in the body shape Chatwoot's controllers render
 * (app/controllers/concerns/request_exception_handler.rb): `{error}` for controller checks,
 * `{message, attributes}` for model validations.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** For answers that are not JSON (Rack::Attack's 429). */
    readonly text?: { contentType: string; body: string; headers?: Record<string, string> },
  ) {
    super(typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : `HTTP ${status}`);
  }
}

export const notFound = (): ApiError => new ApiError(404, { error: 'Resource could not be found' });

export const unauthorized = (message: string): ApiError => new ApiError(401, { error: message });

/** A controller-level refusal (`render_could_not_create_error`). */
export const unprocessable = (message: string): ApiError => new ApiError(422, { error: message });

/** `ActiveRecord::RecordInvalid`: full messages joined, attribute names listed. */
export function recordInvalid(errors: Array<[attribute: string, fullMessage: string]>): ApiError {
  return new ApiError(422, { message: errors.map(([, m]) => m).join(', '), attributes: [...new Set(errors.map(([a]) => a))] });
}

/** Rails answers an enum assignment it cannot cast with an ArgumentError; see the README on why 422. */
export const invalidEnum = (value: unknown, attribute: string): ApiError => unprocessable(`'${String(value)}' is not a valid ${attribute}`);
