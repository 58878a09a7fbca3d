import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export type AgentRole = 'agent' | 'supervisor' | 'admin';

export interface Agent {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  maxChats: number;
  disabled: boolean;
}

interface Row {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  max_chats: number;
  disabled: boolean;
  password_hash: string;
}

const toAgent = (r: Row): Agent => ({ id: r.id, email: r.email, name: r.name, role: r.role, maxChats: r.max_chats, disabled: r.disabled });

@Injectable()
export class AgentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: { email: string; name: string; role: AgentRole; passwordHash: string; maxChats?: number }): Promise<Agent> {
    const [row]: Row[] = await this.db.query(
      `INSERT INTO agents (email, name, role, password_hash, max_chats) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [input.email, input.name, input.role, input.passwordHash, input.maxChats ?? 3],
    );
    return toAgent(row!);
  }

  async credentials(email: string): Promise<{ agent: Agent; passwordHash: string } | null> {
    const rows: Row[] = await this.db.query(`SELECT * FROM agents WHERE lower(email) = lower($1)`, [email]);
    return rows[0] ? { agent: toAgent(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  /** Emails are unique in any case (the agents_email index on lower(email)). */
  async findByEmail(email: string): Promise<Agent | null> {
    const rows: Row[] = await this.db.query(`SELECT * FROM agents WHERE lower(email) = lower($1)`, [email]);
    return rows[0] ? toAgent(rows[0]) : null;
  }

  async findById(id: string): Promise<Agent | null> {
    const rows: Row[] = await this.db.query(`SELECT * FROM agents WHERE id = $1`, [id]);
    return rows[0] ? toAgent(rows[0]) : null;
  }

  async list(): Promise<Agent[]> {
    const rows: Row[] = await this.db.query(`SELECT * FROM agents WHERE NOT disabled ORDER BY name`);
    return rows.map(toAgent);
  }

  async cannedResponses(): Promise<Array<{ shortcut: string; title: string; text: string }>> {
    return this.db.query(`SELECT shortcut, title, text FROM canned_responses ORDER BY shortcut`);
  }

  async addCannedResponse(shortcut: string, title: string, text: string): Promise<void> {
    await this.db.query(
      `INSERT INTO canned_responses (shortcut, title, text) VALUES ($1, $2, $3) ON CONFLICT (shortcut) DO UPDATE SET title = $2, text = $3`,
      [shortcut, title, text],
    );
  }

  // ---- accounts, for admins and for session checks

  /** With the session epoch that every token of this agent must carry. */
  async session(id: string): Promise<{ agent: Agent; sessionEpoch: number } | null> {
    const rows: Array<Row & { session_epoch: number }> = await this.db.query(`SELECT * FROM agents WHERE id = $1`, [id]);
    return rows[0] ? { agent: toAgent(rows[0]), sessionEpoch: rows[0].session_epoch } : null;
  }

  /** Null when the password or the account changed since `passwordHash` was read (a sign-in racing a reset). */
  async sessionEpochIfUnchanged(id: string, passwordHash: string): Promise<number | null> {
    const rows: Array<{ session_epoch: number }> = await this.db.query(
      `SELECT session_epoch FROM agents WHERE id = $1 AND password_hash = $2 AND NOT disabled`,
      [id, passwordHash],
    );
    return rows[0]?.session_epoch ?? null;
  }

  /** Every account, deactivated ones too. */
  async accounts(): Promise<AgentAccount[]> {
    const rows: AccountRow[] = await this.db.query(`SELECT * FROM agents ORDER BY lower(name), lower(email)`);
    return rows.map(toAccount);
  }

  async account(id: string): Promise<AgentAccount | null> {
    const rows: AccountRow[] = await this.db.query(`SELECT * FROM agents WHERE id = $1`, [id]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /** Null when the email is taken. */
  async createAccount(input: { email: string; name: string; role: AgentRole; maxChats: number; passwordHash: string; invite: Invite | null }): Promise<AgentAccount | null> {
    const rows: AccountRow[] = await this.db.query(
      `INSERT INTO agents (email, name, role, password_hash, max_chats, invite_token_hash, invite_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING *`,
      [input.email, input.name, input.role, input.passwordHash, input.maxChats, input.invite?.tokenHash ?? null, input.invite?.expiresAt ?? null],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /**
   * One transaction, with the active admins locked: two admins demoting or deactivating each other
   * at once cannot leave nobody able to administer. `last_admin` when the change would.
   */
  async changeAccount(id: string, change: AccountChange): Promise<AgentAccount | 'not_found' | 'last_admin'> {
    return this.db.transaction(async (tx) => {
      const admins: Array<{ id: string }> = await tx.query(`SELECT id FROM agents WHERE role = 'admin' AND NOT disabled FOR UPDATE`);
      const [current]: AccountRow[] = await tx.query(`SELECT * FROM agents WHERE id = $1 FOR UPDATE`, [id]);
      if (!current) return 'not_found';
      const staysAdmin = (change.role ?? current.role) === 'admin' && !(change.disabled ?? current.disabled);
      if (admins.some((a) => a.id === id) && !staysAdmin && admins.length <= 1) return 'last_admin';
      const endsSessions = change.endSessions === true || (change.disabled === true && !current.disabled);
      // UPDATE answers [rows, count].
      const [[row]]: [AccountRow[], number] = await tx.query(
        `UPDATE agents SET
           name = COALESCE($2, name),
           role = COALESCE($3, role),
           max_chats = COALESCE($4, max_chats),
           disabled = COALESCE($5, disabled),
           password_hash = COALESCE($6, password_hash),
           invite_token_hash = CASE WHEN $7 THEN $8 ELSE invite_token_hash END,
           invite_expires_at = CASE WHEN $7 THEN $9::timestamptz ELSE invite_expires_at END,
           session_epoch = session_epoch + CASE WHEN $10 THEN 1 ELSE 0 END
         WHERE id = $1 RETURNING *`,
        [
          id,
          change.name ?? null,
          change.role ?? null,
          change.maxChats ?? null,
          change.disabled ?? null,
          change.passwordHash ?? null,
          change.invite !== undefined,
          change.invite?.tokenHash ?? null,
          change.invite?.expiresAt ?? null,
          endsSessions,
        ],
      );
      return toAccount(row!);
    });
  }

  /** The account a set-password link names, while it is valid. */
  async inviteHolder(tokenHash: string): Promise<AgentAccount | null> {
    const rows: AccountRow[] = await this.db.query(
      `SELECT * FROM agents WHERE invite_token_hash = $1 AND invite_expires_at > now() AND NOT disabled`,
      [tokenHash],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /** Uses the link up in the same statement, so it sets a password once; every session ends. */
  async redeemInvite(tokenHash: string, passwordHash: string): Promise<AgentAccount | null> {
    const [rows]: [AccountRow[], number] = await this.db.query(
      `UPDATE agents SET password_hash = $2, invite_token_hash = NULL, invite_expires_at = NULL, session_epoch = session_epoch + 1
       WHERE invite_token_hash = $1 AND invite_expires_at > now() AND NOT disabled RETURNING *`,
      [tokenHash, passwordHash],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }
}

/** An account as admins see it: never its password hash nor its invite token. */
export interface AgentAccount extends Agent {
  invitePending: boolean;
  inviteExpiresAt: string | null;
  createdAt: string;
}

export interface Invite {
  tokenHash: string;
  expiresAt: Date;
}

export interface AccountChange {
  name?: string;
  role?: AgentRole;
  maxChats?: number;
  disabled?: boolean;
  passwordHash?: string;
  /** null clears a pending link. */
  invite?: Invite | null;
  endSessions?: boolean;
}

interface AccountRow extends Row {
  invite_token_hash: string | null;
  invite_expires_at: Date | null;
  created_at: Date;
}

const toAccount = (r: AccountRow): AgentAccount => ({
  ...toAgent(r),
  invitePending: r.invite_token_hash !== null && r.invite_expires_at !== null && r.invite_expires_at.getTime() > Date.now(),
  inviteExpiresAt: r.invite_token_hash !== null ? (r.invite_expires_at?.toISOString() ?? null) : null,
  createdAt: r.created_at.toISOString(),
});
