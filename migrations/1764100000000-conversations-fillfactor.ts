import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every message rewrites its session row: room on the page keeps those updates heap-only (HOT)
 * instead of touching every index (bench/README.md). Existing pages get it as they are rewritten.
 */
export class ConversationsFillfactor1764100000000 implements MigrationInterface {
  name = 'ConversationsFillfactor1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations SET (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations RESET (fillfactor)`);
  }
}
