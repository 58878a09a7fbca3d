import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { HttpTransport } from './http-transport';

/** One keep-alive transport per process, shared by every outbound client. */
@Module({
  providers: [HttpTransport],
  exports: [HttpTransport],
})
export class HttpTransportModule implements OnApplicationShutdown {
  constructor(private readonly transport: HttpTransport) {}

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
