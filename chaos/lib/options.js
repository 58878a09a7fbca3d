'use strict';
// npm run chaos [-- --quick] [--only=a,b] [--strict] [--root=<checkout>] [--out=<dir>]
const path = require('node:path');
const { parseArgs } = require('node:util');

const ALL = ['bridge-kill', 'worker-kill', 'two-bridges-kill', 'redis-restart', 'redis-flush', 'postgres-restart', 'desk-down', 'platform-down', 'console-kill'];
const QUICK = ['bridge-kill', 'redis-restart', 'desk-down'];

const FULL = {
  rate: 50, // messages per second each way
  minMessages: 1000, // each way, per fault
  conversations: 20,
  leadSeconds: 6, // soak before the fault
  tailSeconds: 15, // soak after the fault is expected to clear
  drainSeconds: 120, // longest wait for sends to finish, then for arrivals
  settleSeconds: 3,
  outageSeconds: 60, // desk and platform down
  storeDownSeconds: 10, // Redis and Postgres stopped for this long
  workerDownSeconds: 15, // the only worker killed for this long
  bridgeDownSeconds: 30, // one of two bridges killed for this long
  consoleAgents: 8,
  graceSeconds: 5, // CONSOLE_DISCONNECT_GRACE_SECONDS in the console fault
};

const QUICK_SETTINGS = {
  ...FULL,
  minMessages: 300,
  leadSeconds: 4,
  tailSeconds: 8,
  drainSeconds: 60,
  outageSeconds: 15,
  storeDownSeconds: 5,
  workerDownSeconds: 5,
  bridgeDownSeconds: 10,
};

function parseOptions(argv, env) {
  const names = { quick: 'boolean', strict: 'boolean', only: 'string', root: 'string', out: 'string', messages: 'string', rate: 'string' };
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: Object.fromEntries(Object.entries(names).map(([k, type]) => [k, { type }])) }));
  } catch (error) {
    throw new Error(`${error.message} (options: ${Object.keys(names).map((k) => `--${k}`).join(', ')})`);
  }
  const flags = new Map(Object.entries(values));
  const quick = flags.has('quick') || env.CHAOS_QUICK === '1';
  const settings = { ...(quick ? QUICK_SETTINGS : FULL) };
  if (flags.has('messages')) settings.minMessages = positive(flags.get('messages'), '--messages');
  if (flags.has('rate')) settings.rate = positive(flags.get('rate'), '--rate');
  const only = typeof flags.get('only') === 'string' ? flags.get('only').split(',').map((s) => s.trim()).filter(Boolean) : null;
  const bad = (only || []).filter((f) => !ALL.includes(f));
  if (bad.length) throw new Error(`unknown fault(s): ${bad.join(', ')} (known: ${ALL.join(', ')})`);
  const root = path.resolve(typeof flags.get('root') === 'string' ? flags.get('root') : path.join(__dirname, '..', '..'));
  return {
    quick,
    strict: flags.has('strict'),
    faults: only || (quick ? QUICK : ALL),
    root,
    out: path.resolve(typeof flags.get('out') === 'string' ? flags.get('out') : path.join(__dirname, '..', 'results')),
    logLevel: env.CHAOS_LOG_LEVEL || 'info',
    ...settings,
  };
}

function positive(value, name) {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${name} must be a positive number`);
  return n;
}

module.exports = { parseOptions, ALL, QUICK };
