import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every message rewrites its session row (request context, activity time). With full pages, about
 * a third of those updates could not stay on the row's page and touched all seven indexes of the
 * table; room left on each page keeps them heap-only (HOT). The table holds one row per session,
 * so the space is small. Existing pages get the room as they are rewritten (VACUUM FULL or new pages).
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
