import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { fillTemplate } from '../conversations/provider-chat';
import { settingsFor } from '../escalation/escalation-rules.service';
import { AfterHoursRepository, type ClosedAction, type SessionHours } from './after-hours.repository';
import { describeOpening, openState } from './business-hours';
import { OfflineInboxService } from './offline-inbox.service';

/** When the team never opens again (no hours on any day): the text still reads. */
const NO_OPENING = 'later';

/** Whether a session's team is closed, read from the team as it is now: no cache to outlive an admin's change. */
@Injectable()
export class AfterHoursService {
  constructor(
    private readonly repository: AfterHoursRepository,
    private readonly inbox: OfflineInboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Null while the team is open (or the session has none). A session already asked to leave a
   * message stays so (the transfer's retry decides as the first attempt did); deciding so stores it.
   */
  async closedNow(conversationId: string, at = new Date()): Promise<{ action: ClosedAction; next: string } | null> {
    const session = await this.repository.sessionHours(conversationId);
    if (!session?.hours) return null;
    if (session.offlineAt) return { action: 'message', next: nextText(session, at) };
    const state = openState(session.hours, at);
    if (state.open) return null;
    if (session.closedAction === 'message') await this.repository.markOffline(conversationId);
    return { action: session.closedAction, next: state.nextOpen ? describeOpening(state.nextOpen, session.hours.timeZone) : NO_OPENING };
  }

  isCollecting(conversationId: string): Promise<boolean> {
    return this.repository.isCollecting(conversationId);
  }

  /** What the user left becomes an offline conversation of the team's list, and its agents are told. */
  async keepLeftMessages(conversationId: string): Promise<number> {
    const kept = await this.repository.keepLeftMessages(conversationId);
    if (kept > 0) await this.inbox.announce(conversationId);
    return kept;
  }

  /** The bot's outside-hours text with the team's next opening, for a session ending after hours. */
  async closedNotice(conversationId: string): Promise<string | null> {
    const session = await this.repository.sessionHours(conversationId);
    if (!session) return null;
    return fillTemplate(settingsFor(this.config, session.botId).messages.outsideHours, { next: nextText(session, new Date()) });
  }
}

function nextText(session: SessionHours, at: Date): string {
  if (!session.hours) return NO_OPENING;
  const { open, nextOpen } = openState(session.hours, at);
  // Open again by now (the window outlasted the closure): "now" reads right in the same sentence.
  if (open) return 'now';
  return nextOpen ? describeOpening(nextOpen, session.hours.timeZone) : NO_OPENING;
}
