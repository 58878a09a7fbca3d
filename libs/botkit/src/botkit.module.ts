import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { BotCredentialsService } from './auth/bot-credentials';
import { BotkitClient } from './client/botkit.client';
import { HttpTransport } from './client/http-transport';
import { RequestStoreService } from './store/request-store.service';

/** The platform contract: credentials, the outbound client and the async-webhook request store. */
@Module({
  providers: [BotCredentialsService, BotkitClient, RequestStoreService, HttpTransport],
  exports: [BotCredentialsService, BotkitClient, RequestStoreService, HttpTransport],
})
export class BotkitModule implements OnApplicationShutdown {
  constructor(private readonly transport: HttpTransport) {}

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
