/**
 * A Chatwoot message as this desk reads it, from a webhook (`message_type` a name, `created_at` a
 * time string, `sender.type`) or from the Application API's list (`message_type` a number,
 * `created_at` Unix seconds, `sender_type` a class name): both shapes come to this.
 */
export interface ChatwootMessage {
  id: string;
  /** The text and the links of its attachments; null when there is nothing to show the user. */
  text: string | null;
  direction: 'incoming' | 'outgoing' | 'activity' | 'template' | 'unknown';
  private: boolean;
  sender: { type: 'user' | 'contact' | 'agent_bot' | 'unknown'; id: string | null; name: string | null };
  createdAt: string | null;
  sourceId: string | null;
}

const DIRECTIONS = ['incoming', 'outgoing', 'activity', 'template'] as const;
const SENDER_TYPES: Record<string, ChatwootMessage['sender']['type']> = {
  user: 'user',
  contact: 'contact',
  agent_bot: 'agent_bot',
  agentbot: 'agent_bot',
};

type Raw = Record<string, unknown>;

export function readMessage(raw: Raw): ChatwootMessage | null {
  const id = idOf(raw.id);
  if (!id) return null;
  const sender = (raw.sender ?? {}) as Raw;
  const senderType = String(sender.type ?? raw.sender_type ?? '').toLowerCase();
  return {
    id,
    text: textOf(raw),
    direction: directionOf(raw.message_type),
    private: raw.private === true,
    sender: {
      type: SENDER_TYPES[senderType] ?? 'unknown',
      id: idOf(sender.id ?? raw.sender_id),
      name: nameOf(sender),
    },
    createdAt: timeOf(raw.created_at),
    sourceId: typeof raw.source_id === 'string' ? raw.source_id : null,
  };
}

/** What goes to the user: an agent's (or a Chatwoot bot's) public reply. */
export function isAgentReply(message: ChatwootMessage): boolean {
  return message.direction === 'outgoing' && !message.private && (message.sender.type === 'user' || message.sender.type === 'agent_bot') && message.text !== null;
}

export function idOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return value;
  return null;
}

function directionOf(value: unknown): ChatwootMessage['direction'] {
  if (typeof value === 'number') return DIRECTIONS[value] ?? 'unknown';
  return (DIRECTIONS as readonly string[]).includes(value as string) ? (value as ChatwootMessage['direction']) : 'unknown';
}

/** An agent's display name (Chatwoot's `available_name` when set), else the name. */
export function nameOf(person: Raw | null | undefined): string | null {
  const name = person?.available_name ?? person?.name;
  return typeof name === 'string' && name.trim() ? name.trim() : null;
}

function timeOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return null;
}

function textOf(raw: Raw): string | null {
  const parts: string[] = [];
  if (typeof raw.content === 'string' && raw.content.trim()) parts.push(raw.content);
  const attachments = Array.isArray(raw.attachments) ? raw.attachments : raw.attachment ? [raw.attachment] : [];
  for (const attachment of attachments as Raw[]) {
    if (typeof attachment?.data_url === 'string') parts.push(attachment.data_url);
  }
  return parts.length ? parts.join('\n') : null;
}
