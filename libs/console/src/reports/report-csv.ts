import { ABANDON_REASONS, TRIGGERS, type Durations, type Report, type ReportFigures } from '@agent-bridge/desk-port';

type Cell = string | number | null;

/**
 * RFC 4180: a field holding a comma, a quote or a line break is quoted, quotes doubled. A text cell a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe: team and
 * agent names are typed by people.
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (cells: Cell[]): string => cells.map(csvCell).join(',');

const durations = (d: Durations): Cell[] => [d.p50, d.p90, d.mean];

/** One row per day, team and agent, and the whole range first; every disposition seen has its column. */
export function reportCsv(report: Report): string {
  const codes = Object.keys(report.total.dispositions).sort();
  const head = [
    'section', 'day', 'team', 'agent', 'conversations', 'assigned', 'abandoned',
    ...ABANDON_REASONS.map((r) => `abandoned_${r}`), ...TRIGGERS.map((t) => `reason_${t}`),
    'wait_p50_s', 'wait_p90_s', 'wait_mean_s', 'first_response_p50_s', 'first_response_p90_s', 'first_response_mean_s',
    'handle_p50_s', 'handle_p90_s', 'handle_mean_s', 'csat_count', 'csat_average', 'csat_1', 'csat_2', 'csat_3', 'csat_4', 'csat_5',
    ...codes.map((c) => `disposition_${c}`),
  ];
  const figures = (f: ReportFigures): Cell[] => [
    f.conversations, f.assigned, f.abandoned, ...ABANDON_REASONS.map((r) => f.abandonedBy[r]), ...TRIGGERS.map((t) => f.triggers[t]),
    ...durations(f.wait), ...durations(f.firstResponse), ...durations(f.handle), f.csat.count, f.csat.average, ...f.csat.distribution,
    ...codes.map((c) => f.dispositions[c] ?? 0),
  ];
  const rows = [
    line(head),
    line(['total', `${report.from}..${report.to}`, null, null, ...figures(report.total)]),
    ...report.days.map((d) => line(['day', d.day, null, null, ...figures(d)])),
    ...report.teams.map((t) => line(['team', null, t.teamName, null, ...figures(t)])),
    ...report.agents.map((a) => line(['agent', null, null, a.agentId === null ? 'Not assigned' : (a.agentName ?? a.agentId), ...figures(a)])),
  ];
  // A byte-order mark: spreadsheets otherwise read UTF-8 names as their local code page.
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}
