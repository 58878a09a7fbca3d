import type { OpsSummary } from './ops-stats.service';

const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(headers: string[], rows: unknown[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function deadLetters(s: OpsSummary): string {
  const rows = s.deadLetters.recent;
  if (rows.length === 0) return '<p class="muted">None.</p>';
  const retry = (id: string): string =>
    `<form method="post" action="/ops/api/dead-letters/${esc(id)}/retry" enctype="text/plain"><button type="submit">Retry</button></form>`;
  return `<table><thead><tr>${['When', 'Id', 'Lane', 'Reason', 'Code', 'Attempts', ''].map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((d) => `<tr>${[d.at, d.id, d.lane, d.reason, d.errorCode, d.attempts].map((c) => `<td>${esc(c)}</td>`).join('')}<td>${d.state === 'dead' ? retry(d.id) : `retried ${esc(d.retriedAt ?? '')}`}</td></tr>`)
    .join('')}</tbody></table>`;
}

export function renderOpsPage(s: OpsSummary): string {
  const wait = s.waiting;
  const alert = wait.alert
    ? `<p class="alert" role="alert">A user has waited ${esc(wait.longestSeconds)} s for an agent (alert after ${esc(wait.alertAfterSeconds)} s).</p>`
    : '';
  const noWorker = s.noWorker.length
    ? `<p class="alert" role="alert">No worker is consuming ${esc(s.noWorker.join(', '))}: messages still flow, but session timers, delivery retries and hand-overs wait until a worker runs.</p>`
    : '';
  const dead = s.deadLetters;
  const deadAlert = dead.open
    ? `<p class="alert" role="alert">${esc(dead.open)} lane item(s) dead-lettered and not retried.</p>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>agent-bridge ops</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1rem 2rem;color:#1d2330}h1{font-size:1.2rem}h2{font-size:1rem;margin-top:1.5rem}
table{border-collapse:collapse;min-width:24rem}td,th{border-bottom:1px solid #d8dde6;padding:.3rem .8rem;text-align:left}th{background:#f1f3f7}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d8dde6;border-radius:.5rem;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}.alert{background:#fdecea;color:#8a1c12;padding:.6rem 1rem;border-radius:.4rem;font-weight:600}.muted{color:#5b6475}</style>
</head><body><h1>agent-bridge: hand-offs</h1><p class="muted">As of ${esc(s.at)} · <a href="/ops/queues">queue dashboard</a> · <a href="/metrics">metrics</a></p>
${alert}${noWorker}${deadAlert}
<div class="cards">
<div class="card">Waiting<b>${esc(wait.count)}</b>longest ${esc(wait.longestSeconds)} s</div>
<div class="card">With an agent<b>${esc(s.sessions.filter((x) => x.state === 'assigned').reduce((a, x) => a + x.count, 0))}</b></div>
<div class="card">Agents available<b>${esc(s.agents.available)}</b>${esc(s.agents.away)} away</div>
</div>
<h2>Open sessions</h2>${table(['Provider', 'State', 'Sessions'], s.sessions.map((x) => [x.provider, x.state, x.count]), 'No open sessions.')}
<h2>Providers (this instance since start)</h2>${table(
    ['Provider', 'Calls', 'Errors', 'Error rate', 'Mean latency (ms)'],
    s.providers.map((p) => [p.provider, p.calls, p.errors, `${(p.errorRate * 100).toFixed(1)} %`, p.meanMs ?? '-']),
    'No provider calls yet.',
  )}
<h2>Queues</h2>${table(['Queue', 'Waiting', 'Active', 'Delayed', 'Failed', 'Workers'], s.queues.map((q) => [q.queue, q.waiting, q.active, q.delayed, q.failed, q.workers]), 'No queues.')}
<h2>Dead letters</h2>${deadLetters(s)}
<h2>Recent failed deliveries</h2>${table(['When', 'Conversation', 'Provider', 'Direction', 'Error'], s.failedDeliveries.map((f) => [f.at, f.conversationId, f.provider, f.direction, f.error ?? '']), 'None.')}
</body></html>`;
}
