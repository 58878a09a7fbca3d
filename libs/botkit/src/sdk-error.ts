/**
 * Errors answered to the platform, in BotKit's shape: `{"errors":[{"msg","code"}]}` with a status.
 * Codes are BotKit's own where it has one (4002 for auth, NOT_FOUND, ASYNC_RESPONSE_NOT_SUPPORTED…).
 */
export class SdkError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SdkError';
  }

  body(): { errors: Array<{ msg: string; code: string | number }> } {
    return { errors: [{ msg: this.message, code: this.code }] };
  }

  static unauthorized(): SdkError {
    const body = JSON.stringify({ errors: [{ msg: 'Invalid apikey', code: 4002 }] });
    return new SdkError(401, 4002, 'Invalid apikey', { 'response-error-description': body });
  }

  static eventNotFound(): SdkError {
    return new SdkError(404, 'NOT_FOUND', 'Event not found');
  }

  static badRequest(message: string, code = 'BAD_REQUEST'): SdkError {
    return new SdkError(400, code, message);
  }
}
