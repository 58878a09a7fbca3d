import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@agent-bridge/config';
import { CsatRepository } from './csat.repository';
import { CsatService } from './csat.service';

/**
 * For rating questions whose answer window Redis lost: without it the user's "4" would go to the
 * bot. The window is put back for what is left of it; one still in Redis is left alone.
 */
@Injectable()
export class CsatReconciler {
  constructor(
    private readonly repository: CsatRepository,
    private readonly csat: CsatService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<number> {
    const pending = await this.repository.pending(this.config.handoff.csatWindowSeconds);
    const restored = await Promise.all(pending.map((p) => this.csat.restoreWindow(p.botId, p.visitorKey, p.conversationId, p.remainingMs)));
    return restored.filter(Boolean).length;
  }
}
