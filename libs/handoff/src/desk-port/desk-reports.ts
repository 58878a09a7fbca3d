import type { HandoffTrigger } from './desk-session';

/** Users who left the queue before any agent took them, by how they left. */
export const ABANDON_REASONS = ['user_ended', 'queue_timeout', 'inactivity', 'platform_reset'] as const;
export type AbandonReason = (typeof ABANDON_REASONS)[number];
export const TRIGGERS: readonly HandoffTrigger[] = ['agent_transfer', 'tone', 'keyword'];

/** Local calendar days, both included, in `timeZone` (an IANA name). */
export interface ReportQuery {
  from: string;
  to: string;
  timeZone: string;
  teamId?: string | null;
  agentId?: string | null;
}

/**
 * Seconds; null when nothing was measured. p50 and p90 are nearest-rank, to the bin (report-bins.ts:
 * the bin's lower edge; 1 s wide under 2 minutes, coarser above); the mean is exact.
 */
export interface Durations {
  p50: number | null;
  p90: number | null;
  mean: number | null;
  count: number;
}

export interface ReportFigures {
  /** Hand-offs opened in the range. */
  conversations: number;
  /** Of them, taken by an agent. */
  assigned: number;
  abandoned: number;
  abandonedBy: Record<AbandonReason, number>;
  /** Hand-off reasons. */
  triggers: Record<HandoffTrigger, number>;
  /** Opened -> assigned. */
  wait: Durations;
  /** Assigned -> the agent's first message to the user. */
  firstResponse: Durations;
  /** Assigned -> closed. */
  handle: Durations;
  csat: { count: number; average: number | null; distribution: [number, number, number, number, number] };
  /** Disposition code -> conversations closed with it. */
  dispositions: Record<string, number>;
}

export interface Report {
  from: string;
  to: string;
  timeZone: string;
  teamId: string | null;
  agentId: string | null;
  total: ReportFigures;
  /** Every day of the range, empty ones included. */
  days: Array<ReportFigures & { day: string }>;
  /** teamId null: conversations routed to no team. */
  teams: Array<ReportFigures & { teamId: string | null; teamName: string }>;
  /** agentId null: never assigned. agentName: the latest name the conversations carry. */
  agents: Array<ReportFigures & { agentId: string | null; agentName: string | null }>;
}

export interface ReportTeam {
  id: string;
  name: string;
  active: boolean;
}

/** A query the engine refuses (a desk answers it as bad input). */
export class ReportQueryError extends Error {}

/** Contact-centre reports over the engine's conversations, for a desk's screens and exports. */
export abstract class DeskReports {
  /** Throws ReportQueryError for an unknown time zone, a malformed day, or a range backwards or over MAX_REPORT_DAYS. */
  abstract report(query: ReportQuery): Promise<Report>;
  abstract teams(): Promise<ReportTeam[]>;
}

export const MAX_REPORT_DAYS = 366;
