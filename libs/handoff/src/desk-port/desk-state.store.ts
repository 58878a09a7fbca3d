/** Durable, so that a desk resumes where it stopped after a restart. */
export abstract class DeskStateStore {
  abstract customerId(desk: string, botId: string, visitorKey: string): Promise<string | null>;
  abstract saveCustomerId(desk: string, botId: string, visitorKey: string, customerId: string): Promise<void>;
  abstract chatState<T extends object>(conversationId: string): Promise<Partial<T>>;
  /** A shallow merge. */
  abstract patchChatState(conversationId: string, desk: string, patch: object): Promise<void>;
  /** Moves a numeric cursor of the chat's state forward only: overlapping polls or retries never move it back. */
  abstract advanceCursor(conversationId: string, key: string, value: number): Promise<void>;
}
