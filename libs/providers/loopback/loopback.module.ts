import { Module } from '@nestjs/common';
import { DeskPortModule } from '@agent-bridge/desk-port';
import { LoopbackController } from './loopback.controller';
import { LoopbackDeskService } from './loopback-desk.service';
import { LoopbackProvider } from './loopback.provider';

/** For tests, demos and the benchmark. */
@Module({
  imports: [DeskPortModule],
  controllers: [LoopbackController],
  providers: [LoopbackDeskService, LoopbackProvider],
  exports: [LoopbackProvider, LoopbackDeskService],
})
export class LoopbackDeskModule {}
