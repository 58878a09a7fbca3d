import { Module } from '@nestjs/common';
import { EventsModule } from '@agent-bridge/events';
import { DeskEventsService } from '../conversations/desk-events.service';
import { DeskSessionsService } from '../desks/desk-sessions.service';
import { DeskStateRepository } from '../desks/desk-state.repository';
import { OfflineInboxService } from '../hours/offline-inbox.service';
import { TeamHoursService } from '../hours/team-hours.service';
import { DeskTeamsService } from '../teams/desk-teams.service';
import { DeskReportsService } from '../reports/desk-reports.service';
import { HandoffModule } from '../handoff.module';
import { BotSettingsAdminService } from '../settings/bot-settings-admin.service';
import { BotSettingsAdmin } from './bot-settings-admin';
import { DeskEvents } from './desk-events';
import { DeskReports } from './desk-reports';
import { DeskSessions } from './desk-sessions';
import { DeskStateStore } from './desk-state.store';
import { OfflineInbox } from './offline-inbox';
import { TeamHoursSettings } from './team-hours';
import { DeskTeams } from './desk-teams';

/** What a desk module imports: the port's services and the lanes, nothing else of the engine. */
@Module({
  imports: [HandoffModule, EventsModule],
  providers: [
    { provide: DeskEvents, useExisting: DeskEventsService },
    { provide: DeskSessions, useExisting: DeskSessionsService },
    { provide: DeskStateStore, useExisting: DeskStateRepository },
    { provide: TeamHoursSettings, useExisting: TeamHoursService },
    { provide: OfflineInbox, useExisting: OfflineInboxService },
    { provide: DeskTeams, useExisting: DeskTeamsService },
    { provide: BotSettingsAdmin, useExisting: BotSettingsAdminService },
    { provide: DeskReports, useExisting: DeskReportsService },
  ],
  exports: [DeskEvents, DeskSessions, DeskStateStore, DeskTeams, TeamHoursSettings, OfflineInbox, BotSettingsAdmin, DeskReports, EventsModule],
})
export class DeskPortModule {}
