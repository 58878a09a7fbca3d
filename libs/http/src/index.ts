export { HttpTransport, TransportTimeoutError } from './http-transport';
export type { HttpRequest, HttpResponse } from './http-transport';
export { HttpTransportModule } from './http-transport.module';
export { RetryPolicy } from './retry-policy';
export type { RetryContext, RetryOptions } from './retry-policy';
export { parseRetryAfter } from './retry-after';
export { sameSecret } from './same-secret';
