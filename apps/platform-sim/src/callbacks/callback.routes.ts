export interface CallbackRoute {
  fn: string;
  method: 'GET' | 'POST';
  /** POST endpoints carry the event's requestId as the last path segment. */
  withRequestId: boolean;
}

const post = (fn: string): CallbackRoute => ({ fn, method: 'POST', withRequestId: true });

const ROUTES: Readonly<Record<string, CallbackRoute>> = {
  sendUserMessage: post('sendUserMessage'),
  sendBotMessage: post('sendBotMessage'),
  sendAlertMessage: post('sendAlertMessage'),
  sendBotEvent: post('sendBotEvent'),
  skipUserMessage: post('skipUserMessage'),
  skipBotMessage: post('skipBotMessage'),
  resetBot: post('resetBot'),
  clearConversationSession: post('closeConversationSession'),
  sendFeedbackMessage: post('sendFeedbackMessage'),
  startAgentSession: post('startAgentSession'),
  clearAgentSession: post('clearAgentSession'),
  extendcallid: post('extendRequestId'),
  serviceCallback: post('respondToHook'),
  getMessages: { fn: 'getMessages', method: 'GET', withRequestId: false },
  getBotVariable: { fn: 'fetchBotVariable', method: 'GET', withRequestId: false },
};

export const STREAM_PREFIX = '/api/botsdk/stream/';

export interface ParsedCallbackPath {
  botId: string;
  action: string;
  requestId?: string;
  route?: CallbackRoute;
}

/** `route` is unset for a path the platform does not serve. */
export function parseCallbackPath(pathname: string): ParsedCallbackPath | null {
  if (!pathname.startsWith(STREAM_PREFIX)) return null;
  const segments = pathname.slice(STREAM_PREFIX.length).split('/');
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  const [botId, action, requestId, ...rest] = decoded;
  if (!botId) return null;
  const parsed: ParsedCallbackPath = { botId, action: action ?? '', requestId: requestId || undefined };
  const route = Object.hasOwn(ROUTES, parsed.action) ? ROUTES[parsed.action] : undefined;
  const shapeFits = route && rest.length === 0 && (route.withRequestId ? Boolean(parsed.requestId) : requestId === undefined);
  if (shapeFits) parsed.route = route;
  return parsed;
}
