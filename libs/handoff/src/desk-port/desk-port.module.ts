import { Module } from '@nestjs/common';
import { HandoffModule } from '../handoff.module';

@Module({ imports: [HandoffModule], exports: [HandoffModule] })
export class DeskPortModule {}
