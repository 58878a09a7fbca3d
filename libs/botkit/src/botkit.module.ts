import { Module } from '@nestjs/common';
import { HttpTransportModule } from '@agent-bridge/http';
import { BotCredentialsService } from './auth/bot-credentials';
import { BotkitClient } from './client/botkit.client';
import { RequestStoreService } from './store/request-store.service';

@Module({
  imports: [HttpTransportModule],
  providers: [BotCredentialsService, BotkitClient, RequestStoreService],
  exports: [BotCredentialsService, BotkitClient, RequestStoreService],
})
export class BotkitModule {}
