export { loadConfig, loadConfigOrExit, ConfigError, redactUrl } from './config.loader';
export { ConfigModule, APP_CONFIG } from './config.module';
export { JWT_ALGORITHMS } from './config.types';
export type { AppConfig, ChatwootConfig, ConsoleConfig, ContextField, OpsConfig, LiveChatConfig, RedisConfig, RedisNode, RedisTopology, BotCredentials, BotHandoffSettings, HandoffConfig, HandoffMessages, JwtAlgorithm, LogLevel, ToneRule } from './config.types';
export { DEFAULT_MESSAGES, parseToneRules } from './handoff-settings';
export { stopGracefully } from './graceful-stop';
export { withTimeout } from './with-timeout';
