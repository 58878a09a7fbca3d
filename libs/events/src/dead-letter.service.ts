import { Injectable } from '@nestjs/common';
import { DeadLetterRepository, type DeadLetterView } from './dead-letter.repository';
import { LaneInboxService } from './lane-inbox.service';

export type DeadLetterRetry = 'retried' | 'not_found' | 'already_retried';

@Injectable()
export class DeadLetterService {
  constructor(
    private readonly repository: DeadLetterRepository,
    private readonly lanes: LaneInboxService,
  ) {}

  recent(limit?: number): Promise<DeadLetterView[]> {
    return this.repository.recent(limit);
  }

  countOpen(): Promise<number> {
    return this.repository.countOpen();
  }

  /** The append is deduplicated by the record's id, so two retries at once append the item once. */
  async retry(id: string): Promise<DeadLetterRetry> {
    const found = await this.repository.findOpen(id);
    if (found === null) return 'not_found';
    if (found === 'retried') return 'already_retried';
    const slash = found.lane.indexOf('/');
    await this.lanes.accept(found.lane.slice(0, slash), found.lane.slice(slash + 1), `dead-letter.${id}`, found.item);
    return (await this.repository.markRetried(id)) ? 'retried' : 'already_retried';
  }
}
