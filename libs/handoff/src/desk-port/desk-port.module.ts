import { Module } from '@nestjs/common';
import { EventsModule } from '@agent-bridge/events';
import { DeskEventsService } from '../conversations/desk-events.service';
import { DeskSessionsService } from '../desks/desk-sessions.service';
import { DeskStateRepository } from '../desks/desk-state.repository';
import { DeskReportsService } from '../reports/desk-reports.service';
import { HandoffModule } from '../handoff.module';
import { DeskEvents } from './desk-events';
import { DeskReports } from './desk-reports';
import { DeskSessions } from './desk-sessions';
import { DeskStateStore } from './desk-state.store';

/** What a desk module imports: the port's services and the lanes, nothing else of the engine. */
@Module({
  imports: [HandoffModule, EventsModule],
  providers: [
    { provide: DeskEvents, useExisting: DeskEventsService },
    { provide: DeskSessions, useExisting: DeskSessionsService },
    { provide: DeskStateStore, useExisting: DeskStateRepository },
    { provide: DeskReports, useExisting: DeskReportsService },
  ],
  exports: [DeskEvents, DeskSessions, DeskStateStore, DeskReports, EventsModule],
})
export class DeskPortModule {}
