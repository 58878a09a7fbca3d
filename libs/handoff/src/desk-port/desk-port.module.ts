import { Module } from '@nestjs/common';
import { HandoffModule } from '../handoff.module';

/** What a desk module imports: the port's services (DeskEvents, DeskSessions, DeskStateStore) and the lanes. */
@Module({ imports: [HandoffModule], exports: [HandoffModule] })
export class DeskPortModule {}
