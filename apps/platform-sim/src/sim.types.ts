import type { IncomingHttpHeaders } from 'node:http';
import type { BotkitEventName } from '@agent-bridge/botkit';

export interface SimBot {
  botId: string;
  botName?: string;
  clientId: string;
  /** Secret: never logged. */
  clientSecret: string;
  jwtAlgorithm?: 'HS256' | 'HS512';
}

export interface WebClientApp {
  clientId: string;
  /** Secret: never logged. */
  clientSecret: string;
}

/** A bot variable as the platform lists it for `getBotVariable`. */
export interface BotVariable {
  key: string;
  value: string;
  hint?: string;
  variableType?: 'env' | 'content';
  scope?: string;
}

export interface PlatformSimOptions {
  bridgeUrl: string;
  bots: SimBot[];
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The web-client app whose secret signs the RTM jwtgrant assertion; random when absent. */
  webClient?: WebClientApp;
  /** How long a requestId accepts callbacks (and how far `extendcallid` pushes it). Default 900 s. */
  requestTtlSeconds?: number;
  /** The events the bridge subscribes to in the bot's BotKit settings. Default: all eight. */
  subscriptions?: BotkitEventName[];
  maxRecordedCalls?: number;
  /** The URL the bridge uses to reach the simulator, when it is not the listening address. */
  publicUrl?: string;
  /** Variables per language for `getBotVariable`; a language not listed is refused. */
  botVariables?: Record<string, BotVariable[]>;
  /** Phrases that make the scripted bot run an SDK webhook node, mapped to its component name. */
  webhookComponents?: Record<string, string>;
  /** Where operational warnings go (never message texts or secrets). Default: console.warn. */
  log?: (line: string) => void;
}

export interface Tone {
  name: string;
  level: number;
}

export type AuthVariant =
  | 'valid'
  | 'expired'
  | 'bad-signature'
  | 'wrong-app'
  | 'wrong-alg'
  | 'none'
  | { token: string }
  | { apikey: string };

export interface SendEventInput {
  botId: string;
  /** Any string, so unknown events can be tried. */
  event: string;
  userId?: string;
  message?: string;
  componentId?: string;
  requestId?: string;
  route?: 'short' | 'component';
  /** Deep-merged over the built body; a key set to `undefined` removes that field. */
  body?: Record<string, unknown>;
  auth?: AuthVariant;
  tone?: Tone;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: any;
  rawBody: string;
}

export interface SendEventResult extends HttpResult {
  requestId: string;
}

export interface RecordedCall {
  fn: string;
  method: string;
  path: string;
  botId: string;
  requestId?: string;
  userId?: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when it parsed, else the raw text; `any` so specs can reach into it. */
  body: any;
  query: Record<string, string>;
  status: number;
  /** Epoch milliseconds when the call arrived. */
  at: number;
}

export interface CallFilter {
  botId?: string;
  fn?: string;
  userId?: string;
  requestId?: string;
  status?: number;
}

export type ClientEventType = 'TYPING_STARTED' | 'TYPING_STOPPED' | 'MESSAGE_READ';
