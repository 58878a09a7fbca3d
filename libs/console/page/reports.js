// The reports screen: filters, figures, charts (chart.js, served by the console) and tables, and the
// CSV export, all through /console/api/reports with the console's session (same tab storage).
import { loadSession } from './state.js';
import { $, el } from './util.js';

const session = loadSession();
const me = session?.agent ?? null;
const token = session && Date.parse(session.expiresAt) > Date.now() ? session.token : null;
const charts = new Map();
const REASONS = { agent_transfer: 'Agent Transfer node', tone: 'Tone', keyword: 'Keyword' };
const LEFT = { user_ended: 'User ended', queue_timeout: 'Queue timeout', inactivity: 'Inactivity', platform_reset: 'Platform reset' };

function gate(text) {
  $('#filters').hidden = true;
  $('#report').hidden = true;
  const box = $('#gate');
  box.replaceChildren(text, ' ', el('a', { href: './' }, 'Go to the console'));
  box.hidden = false;
}

async function get(path) {
  let res;
  try {
    res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    return { ok: false, error: 'Cannot reach the server. Check the connection and try again.' };
  }
  if (res.status === 401) gate('Your session has ended. Sign in on the console again, then come back.');
  if (res.status === 403) gate('Only supervisors and admins can see reports.');
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    return { ok: false, status: res.status, error: data?.errors?.[0]?.msg ?? `The server answered HTTP ${res.status}.` };
  }
  return { ok: true, res };
}

/** 75 -> "1 min 15 s"; seconds are whole, as measured. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
const pair = (d) => `${duration(d.p50)} / ${duration(d.p90)}`;
const csat = (c) => (c.average === null ? '–' : `${c.average.toFixed(2)} (${c.count})`);
const pct = (n, of) => (of ? `${n} (${Math.round((n / of) * 100)} %)` : String(n));

function query() {
  const p = new URLSearchParams({ from: $('#from').value, to: $('#to').value, tz: $('#tz').value.trim() });
  if ($('#team').value) p.set('team', $('#team').value);
  if ($('#agent').value) p.set('agent', $('#agent').value);
  return p.toString();
}

function chart(id, config) {
  charts.get(id)?.destroy();
  const options = { responsive: true, maintainAspectRatio: false, animation: false, ...config.options };
  charts.set(id, new window.Chart($(`#${id}`), { ...config, options }));
}

function table(selector, head, rows) {
  const t = $(selector);
  t.tHead.replaceChildren(el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h))));
  t.tBodies[0].replaceChildren(...rows.map((cells) => el('tr', { dataset: { testid: 'report-row' } }, cells.map((c, i) => el('td', { class: i ? 'num' : 'strong' }, String(c))))));
}

const figureCells = (f) => [f.conversations, f.assigned, pct(f.abandoned, f.conversations), pair(f.wait), pair(f.firstResponse), pair(f.handle), csat(f.csat)];
const HEAD = ['Conversations', 'Assigned', 'Left the queue', 'Wait p50 / p90', 'First response p50 / p90', 'Handle p50 / p90', 'CSAT (ratings)'];

function show(report) {
  const t = report.total;
  $('#t-conversations').textContent = String(t.conversations);
  $('#t-abandoned').textContent = pct(t.abandoned, t.conversations);
  $('#t-wait').textContent = pair(t.wait);
  $('#t-response').textContent = pair(t.firstResponse);
  $('#t-handle').textContent = pair(t.handle);
  $('#t-csat').textContent = csat(t.csat);
  const days = report.days.map((d) => d.day);
  chart('c-days', {
    type: 'bar',
    data: { labels: days, datasets: [
      { label: 'Assigned', data: report.days.map((d) => d.assigned), backgroundColor: '#0b5cad' },
      { label: 'Left the queue', data: report.days.map((d) => d.abandoned), backgroundColor: '#b42318' },
      { label: 'Other', data: report.days.map((d) => d.conversations - d.assigned - d.abandoned), backgroundColor: '#9ca3af' },
    ] },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  chart('c-wait', {
    type: 'line',
    data: { labels: days, datasets: [
      { label: 'p50', data: report.days.map((d) => d.wait.p50), borderColor: '#0b5cad', spanGaps: true },
      { label: 'p90', data: report.days.map((d) => d.wait.p90), borderColor: '#b58900', spanGaps: true },
    ] },
    options: { scales: { y: { beginAtZero: true } } },
  });
  chart('c-reasons', {
    type: 'doughnut',
    data: { labels: Object.keys(REASONS).map((k) => REASONS[k]), datasets: [{ data: Object.keys(REASONS).map((k) => t.triggers[k]), backgroundColor: ['#0b5cad', '#b42318', '#b58900'] }] },
  });
  chart('c-csat', {
    type: 'bar',
    data: { labels: ['1', '2', '3', '4', '5'], datasets: [{ label: 'Ratings', data: t.csat.distribution, backgroundColor: '#166534' }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const codes = Object.keys(t.dispositions).sort((a, b) => t.dispositions[b] - t.dispositions[a]);
  chart('c-dispositions', {
    type: 'bar',
    data: { labels: codes, datasets: [{ label: 'Conversations', data: codes.map((c) => t.dispositions[c]), backgroundColor: '#0b5cad' }] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  chart('c-abandoned', {
    type: 'bar',
    data: { labels: Object.values(LEFT), datasets: [{ label: 'Users', data: Object.keys(LEFT).map((k) => t.abandonedBy[k]), backgroundColor: '#b42318' }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  table('[data-testid=teams-table]', ['Team', ...HEAD], report.teams.map((r) => [r.teamName, ...figureCells(r)]));
  table('[data-testid=agents-table]', ['Agent', ...HEAD], report.agents.map((r) => [r.agentId === null ? 'Not assigned' : (r.agentName ?? r.agentId), ...figureCells(r)]));
  table('[data-testid=days-table]', ['Day', ...HEAD], report.days.map((r) => [r.day, ...figureCells(r)]));
  $('#report').hidden = false;
}

function error(text) {
  $('#report-error').hidden = !text;
  $('#report-error').textContent = text ?? '';
}

async function load(e) {
  e?.preventDefault();
  error(null);
  const answer = await get(`api/reports?${query()}`);
  if (!answer.ok) return error(answer.error);
  show(await answer.res.json());
}

/** Fetched with the token (a plain link could not carry it), then saved under the server's file name. */
async function download() {
  error(null);
  const answer = await get(`api/reports/csv?${query()}`);
  if (!answer.ok) return error(answer.error);
  const name = /filename="([^"]+)"/.exec(answer.res.headers.get('content-disposition') ?? '')?.[1] ?? 'report.csv';
  const url = URL.createObjectURL(await answer.res.blob());
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function start() {
  if (!token) return gate('Sign in on the console first.');
  if (me?.role !== 'admin' && me?.role !== 'supervisor') return gate('Only supervisors and admins can see reports.');
  $('#me').textContent = `Signed in as ${me.name}`;
  const today = new Date();
  const ago = new Date(today.getTime() - 6 * 86_400_000);
  const local = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const params = new URLSearchParams(location.hash.slice(1));
  $('#from').value = params.get('from') ?? local(ago);
  $('#to').value = params.get('to') ?? local(today);
  $('#tz').value = params.get('tz') ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  $('#filters').hidden = false;
  const options = await get('api/reports/options');
  if (!options.ok) return error(options.error);
  const { teams, agents } = await options.res.json();
  $('#team').append(...teams.map((t) => el('option', { value: t.id }, t.active ? t.name : `${t.name} (inactive)`)));
  $('#agent').append(...agents.map((a) => el('option', { value: a.id }, a.active ? a.name : `${a.name} (deactivated)`)));
  $('#filters').addEventListener('submit', load);
  $('#csv').addEventListener('click', download);
  await load();
}

void start();
