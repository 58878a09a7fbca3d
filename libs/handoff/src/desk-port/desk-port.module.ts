import { Module } from '@nestjs/common';
import { EventsModule } from '@agent-bridge/events';
import { DeskEventsService } from '../conversations/desk-events.service';
import { DeskSessionsService } from '../desks/desk-sessions.service';
import { DeskStateRepository } from '../desks/desk-state.repository';
import { HandoffModule } from '../handoff.module';
import { BotSettingsAdminService } from '../settings/bot-settings-admin.service';
import { BotSettingsAdmin } from './bot-settings-admin';
import { DeskEvents } from './desk-events';
import { DeskSessions } from './desk-sessions';
import { DeskStateStore } from './desk-state.store';

/** What a desk module imports: the port's services and the lanes, nothing else of the engine. */
@Module({
  imports: [HandoffModule, EventsModule],
  providers: [
    { provide: DeskEvents, useExisting: DeskEventsService },
    { provide: DeskSessions, useExisting: DeskSessionsService },
    { provide: DeskStateStore, useExisting: DeskStateRepository },
    { provide: BotSettingsAdmin, useExisting: BotSettingsAdminService },
  ],
  exports: [DeskEvents, DeskSessions, DeskStateStore, BotSettingsAdmin, EventsModule],
})
export class DeskPortModule {}
