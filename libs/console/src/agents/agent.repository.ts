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
}
