'use strict';
// Summary of a V8 .cpuprofile (node --cpu-prof): where the samples fall, by package and by function.
// Self time = samples whose top frame is that function; "on stack" = samples with that package
// anywhere on the (synchronous) stack.
const fs = require('node:fs');
const path = require('node:path');

function categorize(url, functionName) {
  if (!url) {
    if (/^\((garbage collector|program|idle|root)\)$/.test(functionName)) return functionName;
    return '(native / V8 builtins)';
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = /dist\/((?:libs|apps)\/[^/]+)/.exec(url);
  if (dist) return `agent-bridge ${dist[1]}`;
  return path.basename(url);
}

/** window: { startMs, endMs } on the process.hrtime clock, which is the clock V8 stamps samples with. */
function summarize(file, { top = 25, window = null, label = null } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const selfUs = new Map();
  let total = 0;
  let t = profile.startTime;
  const from = window ? window.startMs * 1000 : -Infinity;
  const to = window ? window.endMs * 1000 : Infinity;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] || 0;
    t += dt;
    if (t < from || t > to) continue;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) || 0) + dt);
    total += dt;
  }
  const byCategory = new Map();
  const byFunction = new Map();
  const onStack = new Map();
  for (const [id, us] of selfUs) {
    const n = nodes.get(id);
    const cf = n.callFrame;
    const cat = categorize(cf.url, cf.functionName);
    byCategory.set(cat, (byCategory.get(cat) || 0) + us);
    const fname = `${cf.functionName || '(anonymous)'} ${cf.url ? `${categorize(cf.url, '')}:${path.basename(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();
    byFunction.set(fname, (byFunction.get(fname) || 0) + us);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const c = nodes.get(cur).callFrame;
      if (!c.url) continue;
      const cc = categorize(c.url, c.functionName);
      if (seen.has(cc)) continue;
      seen.add(cc);
      onStack.set(cc, (onStack.get(cc) || 0) + us);
    }
  }
  const idle = byCategory.get('(idle)') || 0;
  const busy = total - idle;
  const rank = (m) => [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  const pct = (us) => (busy > 0 ? (us * 100) / busy : 0);
  return {
    file: path.basename(file),
    label,
    seconds: total / 1e6,
    busySeconds: busy / 1e6,
    byCategory: rank(byCategory).slice(0, top).map(([k, us]) => ({ name: k, pct: pct(us) })),
    onStack: rank(onStack).slice(0, top).map(([k, us]) => ({ name: k, pct: pct(us) })),
    topFunctions: rank(byFunction).slice(0, top).map(([k, us]) => ({ name: k, pct: pct(us) })),
  };
}

function toMarkdown(s, { rows = 15 } = {}) {
  const title = s.label ? `${s.file}: ${s.label}` : s.file;
  const lines = [`### ${title}`, '', `${s.busySeconds.toFixed(1)} s of CPU samples (of ${s.seconds.toFixed(1)} s profiled; the rest idle). Shares are of the busy samples.`, ''];
  const t = (title, rows) => {
    lines.push(`| ${title} | % |`, '| --- | --- |', ...rows.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${r.pct.toFixed(1)} |`), '');
  };
  t('Self time by package / area', s.byCategory.slice(0, rows));
  t('On the stack (package anywhere in the synchronous stack)', s.onStack.slice(0, rows));
  t('Top functions by self time', s.topFunctions.slice(0, rows + 5));
  return lines.join('\n');
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) console.log(toMarkdown(summarize(file)));
}

module.exports = { summarize, toMarkdown };
