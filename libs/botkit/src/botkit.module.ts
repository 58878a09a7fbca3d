import { Module } from '@nestjs/common';
import { HttpTransportModule } from '@agent-bridge/http';
import { BotCredentialsService } from './auth/bot-credentials';
import { BotkitClient } from './client/botkit.client';
import { RequestStoreService } from './store/request-store.service';

/** The platform contract: credentials, the outbound client and the async-webhook request store. */
@Module({
  imports: [HttpTransportModule],
  providers: [BotCredentialsService, BotkitClient, RequestStoreService],
  // TEMP until desks move: the LiveChat adapters still take HttpTransport through this module.
  exports: [BotCredentialsService, BotkitClient, RequestStoreService, HttpTransportModule],
})
export class BotkitModule {}
