export { BotkitModule } from './botkit.module';
export { BotkitClient, withMetaTags } from './client/botkit.client';
export type { CallOptions, FeedbackSurvey, GetMessagesQuery, GetMessagesResult, MetaTags, PlatformHistoryMessage } from './client/botkit.client';
export { BotkitError, BotkitErrorCode } from './client/botkit.errors';
export { checkMessageLimits, splitMessage, MAX_MESSAGE_CHARS, MAX_WORD_CHARS } from './client/message-limits';
export { BotCredentialsService } from './auth/bot-credentials';
export { signJwt, verifyJwt, JwtError } from './auth/jwt';
export type { JwtClaims, JwtFailure, VerifyOptions } from './auth/jwt';
export { BOTKIT_EVENTS, PAYLOAD_CLASS, isBotkitEvent } from './payload/botkit-events';
export type { BotkitEventName, PayloadClass } from './payload/botkit-events';
export { toBotkitPayload } from './payload/botkit-payload';
export type { BotkitPayload, InboundBody, PayloadSource } from './payload/botkit-payload';
export { RequestStoreService } from './store/request-store.service';
export { visitorKeyOf, BOT_LANE } from './payload/visitor-key';
export { SdkError } from './sdk-error';
export {
  hasUnstorableText,
  jsonDepthExceeds,
  markInputNormalized,
  mayHoldUnstorableJson,
  MORE_PATHS,
  normalizeJsonValue,
  normalizeText,
  normalizedPaths,
} from './input/text-normalization';
export { requestUrlsOf } from './payload/request-urls';
export type { RequestUrls } from './payload/request-urls';
