import { laneEntryOf } from './chatwoot-lane';
import { isAgentReply, readMessage } from './chatwoot-message';

const INBOX = 7;
const conversation = { id: 42, inbox_id: INBOX, meta: { assignee: { id: 3, name: 'Alice', available_name: 'Alice A.' } } };

/** A message_created webhook as Chatwoot sends it (Message#webhook_data + event). */
function messageCreated(overrides: Record<string, unknown> = {}) {
  return {
    event: 'message_created',
    id: 901,
    content: 'Hello there',
    message_type: 'outgoing',
    private: false,
    created_at: '2026-03-01T10:00:00.000Z',
    sender: { id: 3, name: 'Alice', type: 'user' },
    inbox: { id: INBOX, name: 'Bridge' },
    conversation,
    ...overrides,
  };
}

describe('laneEntryOf', () => {
  it('queues an agent reply under its message id, in its conversation lane', () => {
    expect(laneEntryOf(messageCreated(), INBOX)).toEqual({
      ref: '42',
      dedupeKey: 'cw.msg.901',
      item: {
        kind: 'message',
        message: { id: '901', text: 'Hello there', direction: 'outgoing', private: false, sender: { type: 'user', id: '3', name: 'Alice' }, createdAt: '2026-03-01T10:00:00.000Z', sourceId: null },
      },
    });
  });

  it('ignores our own user messages, private notes, activity, other inboxes and unknown events', () => {
    expect(laneEntryOf(messageCreated({ message_type: 'incoming', sender: { id: 5, type: 'contact' } }), INBOX)).toBeNull();
    expect(laneEntryOf(messageCreated({ private: true }), INBOX)).toBeNull();
    expect(laneEntryOf(messageCreated({ message_type: 'activity', sender: null }), INBOX)).toBeNull();
    expect(laneEntryOf(messageCreated({ inbox: { id: 8 }, conversation: { ...conversation, inbox_id: 8 } }), INBOX)).toBeNull();
    expect(laneEntryOf(messageCreated({ content: '' }), INBOX)).toBeNull();
    expect(laneEntryOf({ event: 'contact_created', id: 1 }, INBOX)).toBeNull();
  });

  it('relays a reply of a Chatwoot agent bot, and an attachment as its link', () => {
    const entry = laneEntryOf(messageCreated({ sender: { id: 9, name: 'Captain', type: 'agent_bot' }, content: null, attachments: [{ data_url: 'https://cw.example/f.pdf' }] }), INBOX);
    expect(entry?.item).toMatchObject({ kind: 'message', message: { text: 'https://cw.example/f.pdf', sender: { type: 'agent_bot' } } });
  });

  it('takes an assignment, a transfer and an unassignment from conversation_updated, keyed by the version of the conversation', () => {
    const updated = (assignee: unknown, previous: unknown, at = 1700000000.5) => ({
      event: 'conversation_updated',
      id: 42,
      inbox_id: INBOX,
      updated_at: at,
      meta: { assignee },
      changed_attributes: [{ assignee_id: { previous_value: previous, current_value: (assignee as { id?: number } | null)?.id ?? null } }],
    });
    expect(laneEntryOf(updated({ id: 3, name: 'Alice', available_name: 'Alice A.' }, null), INBOX)).toEqual({
      ref: '42',
      dedupeKey: 'cw.assignee.42.3.1700000000.5',
      item: { kind: 'assignee', assignee: { id: '3', name: 'Alice A.' }, previousId: null },
    });
    expect(laneEntryOf(updated(null, 3), INBOX)?.item).toEqual({ kind: 'assignee', assignee: null, previousId: '3' });
    // A change of labels or custom attributes is nothing this desk acts on.
    expect(laneEntryOf({ event: 'conversation_updated', id: 42, inbox_id: INBOX, changed_attributes: [{ label_list: {} }] }, INBOX)).toBeNull();
  });

  it('takes the status from conversation_status_changed', () => {
    const entry = laneEntryOf({ event: 'conversation_status_changed', id: 42, inbox_id: INBOX, status: 'resolved', updated_at: 17, meta: conversation.meta, changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }] }, INBOX);
    expect(entry).toEqual({ ref: '42', dedupeKey: 'cw.status.42.resolved.17', item: { kind: 'status', status: 'resolved', previous: 'open', assignee: { id: '3', name: 'Alice A.' } } });
  });
});

describe('readMessage', () => {
  it('reads the Application API list shape (numeric type, Unix time, sender_type) like the webhook one', () => {
    const message = readMessage({ id: 77, content: 'hi', message_type: 1, private: false, created_at: 1767225600, source_id: null, sender_type: 'User', sender: { id: 3, name: 'Alice', type: 'user' } });
    expect(message).toMatchObject({ id: '77', direction: 'outgoing', createdAt: '2026-01-01T00:00:00.000Z', sender: { type: 'user', id: '3' } });
    expect(isAgentReply(message!)).toBe(true);
    expect(isAgentReply(readMessage({ id: 78, content: 'me', message_type: 0, sender_type: 'Contact', source_id: 'agent-bridge:r1' })!)).toBe(false);
    expect(readMessage({ id: 'not a number' })).toBeNull();
  });
});
