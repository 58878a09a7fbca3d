/** Error codes of the BotKit client; callers branch on `code` and `retryable`, never on messages. */
export enum BotkitErrorCode {
  InvalidArguments = 'INVALID_ARGUMENTS',
  MessageTooLong = 'MESSAGE_TOO_LONG',
  NoCredentials = 'NO_CREDENTIALS',
  PlatformRejected = 'PLATFORM_REJECTED',
  PlatformUnavailable = 'PLATFORM_UNAVAILABLE',
  Timeout = 'TIMEOUT',
  RequestNotFound = 'REQUEST_NOT_FOUND',
}

export class BotkitError extends Error {
  constructor(
    readonly code: BotkitErrorCode,
    message: string,
    readonly retryable = false,
    /** HTTP status the platform answered with, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'BotkitError';
  }
}
