/** The two algorithms the Kore platform uses for BotKit; RS* is not accepted there. */
export type JwtAlgorithm = 'HS256' | 'HS512';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'HS512'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A bot's BotKit app credentials: `appId` in the JWTs is the Client ID, the key is the Client Secret. */
export interface BotCredentials {
  clientId: string;
  /** Secret: never logged. */
  clientSecret: string;
  jwtAlgorithm: JwtAlgorithm;
}

export interface AppConfig {
  port: number;
  publicUrl: string;
  logLevel: LogLevel;
  database: { url: string };
  redis: { url: string; keyPrefix: string };
  kore: {
    /** Credentials of the default BotKit app (KORE_CLIENT_ID/SECRET); per-bot ones override them. */
    defaultCredentials: BotCredentials | null;
    bots: Readonly<Record<string, BotCredentials>>;
    /** BotKit's `app.apiPrefix`: routes live at `{apiPrefix}/sdk/bots/...`; auth applies regardless. */
    apiPrefix: string;
    /** Accept the legacy plain `apikey` header (the Client Secret in clear). Off by default. */
    allowApiKey: boolean;
    requestTimeoutMs: number;
    savedDataTtlSeconds: number;
    webhookTimeoutMs: number;
  };
  workers: { enabled: boolean; concurrency: number };
}
