/**
 * A desk's own durable state: its customer id per visitor, and a small JSON object per chat (a poll
 * cursor, our author id on the desk), so a restart resumes where it stopped.
 */
export abstract class DeskStateStore {
  abstract customerId(desk: string, botId: string, visitorKey: string): Promise<string | null>;
  abstract saveCustomerId(desk: string, botId: string, visitorKey: string, customerId: string): Promise<void>;
  abstract chatState<T extends object>(conversationId: string): Promise<Partial<T>>;
  /** Merges `patch` into the chat's state (shallow). */
  abstract patchChatState(conversationId: string, desk: string, patch: object): Promise<void>;
}
