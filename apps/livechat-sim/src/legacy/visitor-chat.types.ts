export interface V2Event {
  message_id: number;
  /** Unix seconds. */
  timestamp: number;
  type: 'message' | 'agent_details' | 'chat_closed';
  user_type: 'agent' | 'visitor';
  text?: string;
  agent?: { name: string; job_title: string; avatar: string };
}

export interface VisitorSession {
  visitorId: string;
  chatId: string;
  securedSessionId: string;
  events: V2Event[];
  nextMessageId: number;
  /** Highest message id already handed out, for polls without `last_message_id`. */
  deliveredUpTo: number;
  lastPollAt: number;
  closed: boolean;
}

/** v2 errors are plain HTTP statuses with a small JSON body. */
export class V2Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
