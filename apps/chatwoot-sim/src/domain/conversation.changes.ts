import type { SimStore } from '../state/sim.store';
import type { ConversationStatus, SimConversation } from '../state/sim.types';
import { iso } from '../views/time.util';
import type { Changes, WebhookPublisher } from '../webhooks/webhook.publisher';
import { assigneeActivity, statusActivity, teamActivity } from './activity.texts';
import type { Actor } from './actor';
import type { AssigneePicker } from './assignee.picker';
import type { MessageLog } from './message.log';

export interface ConversationPatch {
  status?: ConversationStatus;
  snoozedUntil?: Date | null;
  assigneeId?: number | null;
  teamId?: number | null;
  customAttributes?: Record<string, unknown>;
  waitingSince?: Date | null;
  firstReplyCreatedAt?: Date | null;
}

// Conversation#list_of_keys: a change to one of these is a `conversation_updated`.
const WATCHED = ['team_id', 'assignee_id', 'status', 'snoozed_until', 'custom_attributes', 'waiting_since', 'first_reply_created_at', 'priority'];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * One save of a conversation with Chatwoot's callbacks around it: the team rule for assignees, the
 * snooze reset, then `conversation_status_changed`, the activity messages and `conversation_updated`.
 */
export class ConversationChanges {
  constructor(
    private readonly store: SimStore,
    private readonly publisher: WebhookPublisher,
    private readonly log: MessageLog,
    private readonly picker: AssigneePicker,
  ) {}

  apply(c: SimConversation, patch: ConversationPatch, actor: Actor): Changes {
    const changes: Changes = {};
    const set = <K extends keyof ConversationPatch & keyof SimConversation>(key: K, column: string, value: SimConversation[K], json: (v: SimConversation[K]) => unknown): void => {
      if (same(c[key], value)) return;
      // A column set twice in one save keeps its value from before the save.
      const before = column in changes ? changes[column]![0] : json(c[key]);
      c[key] = value;
      if (same(before, json(value))) delete changes[column];
      else changes[column] = [before, json(value)];
    };
    const previousTeam = this.store.teams.get(c.teamId ?? -1);
    if (patch.assigneeId !== undefined) set('assigneeId', 'assignee_id', patch.assigneeId, (v) => v);
    if (patch.teamId !== undefined) set('teamId', 'team_id', patch.teamId, (v) => v);
    if ('team_id' in changes) set('assigneeId', 'assignee_id', this.assigneeForTeam(c), (v) => v);
    if (patch.status !== undefined) set('status', 'status', patch.status, (v) => v);
    const snoozedUntil = c.status === 'snoozed' ? (patch.snoozedUntil ?? c.snoozedUntil) : null;
    set('snoozedUntil', 'snoozed_until', snoozedUntil, iso);
    if (patch.customAttributes !== undefined) set('customAttributes', 'custom_attributes', patch.customAttributes, (v) => v);
    if (patch.waitingSince !== undefined) set('waitingSince', 'waiting_since', patch.waitingSince, iso);
    if (patch.firstReplyCreatedAt !== undefined) set('firstReplyCreatedAt', 'first_reply_created_at', patch.firstReplyCreatedAt, iso);
    if (Object.keys(changes).length === 0) return changes;
    const now = new Date();
    changes.updated_at = [iso(c.updatedAt), iso(now)];
    c.updatedAt = now;
    // handle_resolved_status_change writes the column directly: in the payload, not in the changes.
    if (changes.status && c.status === 'resolved') c.waitingSince = null;
    this.dispatch(c, changes, actor, previousTeam);
    return changes;
  }

  /** ensure_assignee_is_from_team: an assignee outside the new team is dropped, then one may be picked from it. */
  private assigneeForTeam(c: SimConversation): number | null {
    const team = this.store.teams.get(c.teamId ?? -1);
    if (!team) return c.assigneeId;
    if (c.assigneeId !== null && team.memberIds.includes(c.assigneeId)) return c.assigneeId;
    return team.allowAutoAssign ? this.picker.pick(this.store.inboxes.get(c.inboxId)!, team.memberIds) : null;
  }

  private dispatch(c: SimConversation, changes: Changes, actor: Actor, previousTeam: ReturnType<SimStore['teams']['get']>): void {
    if (changes.status) this.publisher.conversation('conversation_status_changed', c, { status: changes.status });
    const activities: Array<string | null> = [];
    if (changes.status) activities.push(statusActivity(c, actor));
    const assignee = this.store.users.get(c.assigneeId ?? -1);
    if (changes.team_id) activities.push(teamActivity(this.store.teams.get(c.teamId ?? -1), previousTeam, assignee, actor));
    else if (changes.assignee_id) activities.push(assigneeActivity(assignee, actor));
    if (Object.keys(changes).some((k) => WATCHED.includes(k))) this.publisher.conversation('conversation_updated', c, changes);
    for (const content of activities) {
      if (content) this.log.append(c, { content, messageType: 'activity', contentType: 'text', contentAttributes: {}, private: false, sender: null });
    }
  }
}
