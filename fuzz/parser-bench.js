'use strict';
// Cost of the edge checks the JSON body parser adds, on a 1 MB platform body (`npm run build` first):
// node fuzz/parser-bench.js
const { jsonDepthExceeds, mayHoldUnstorableJson, normalizeJsonValue } = require('../dist/libs/botkit/src');

function context(bytes, extra = '') {
  const history = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const item = { intent: `intent-${i}`, entities: { city: 'Berlin', date: '2026-12-04' }, text: `user said something number ${i} ${extra}`, tone: [{ tone_name: 'joy', level: 1 }] };
    history.push(item);
    size += JSON.stringify(item).length;
  }
  return JSON.stringify({ requestId: '1501244156289', message: 'hello', channel: { channelInfos: { from: 'u-1' } }, context: { history, session: { UserContext: { _id: 'u-1' } } } });
}

function time(label, runs, fn) {
  for (let i = 0; i < 5; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  console.log(`${label.padEnd(52)} ${ms.toFixed(3)} ms`);
  return ms;
}

const runs = 40;
for (const [name, raw] of [
  ['1 MB context, clean', context(1024 * 1024)],
  ['1 MB context, one \\u0000 escape', context(1024 * 1024).replace('"hello"', '"hel\\u0000lo"')],
  ['2 kB message, clean', context(1500)],
]) {
  console.log(`${name} (${(raw.length / 1024).toFixed(0)} kB)`);
  const parse = time('  JSON.parse (what the parser did before)', runs, () => JSON.parse(raw));
  const depth = time('  + depth check', runs, () => jsonDepthExceeds(raw, 200));
  const scan = time('  + NUL / surrogate-escape scan', runs, () => mayHoldUnstorableJson(raw));
  let walk = 0;
  if (mayHoldUnstorableJson(raw)) walk = time('  + normalising walk (only when the scan hits)', runs, () => normalizeJsonValue(JSON.parse(raw)));
  console.log(`  added: ${(depth + scan).toFixed(3)} ms clean (${(((depth + scan) / parse) * 100).toFixed(1)} % of the parse)${walk ? `, walk ${walk.toFixed(3)} ms` : ''}`);
}
