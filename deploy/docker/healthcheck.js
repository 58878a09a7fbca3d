// The image's HEALTHCHECK: finds which process the container runs and asks it the way that process
// can answer. The bridge is asked /health/live, not /health/ready: an engine that restarts unhealthy
// containers must not restart every bridge while Redis or Postgres is away.
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');

const TIMEOUT_MS = 4000;

function runningApp() {
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const match = /dist\/apps\/([a-z-]+)\/src\/main\.js/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      if (match) return match[1];
    } catch {
      // a process that ended while we looked
    }
  }
  return null;
}

function get(port, path) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: Number(port), path, timeout: TIMEOUT_MS }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve();
      else reject(new Error(`GET ${path}: ${response.statusCode}`));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${path}: no answer within ${TIMEOUT_MS} ms`)));
    request.on('error', reject);
  });
}

/** The worker serves no HTTP: healthy while it runs and can open a connection to Postgres and Redis. */
function reach(name, url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || defaultPort), timeout: TIMEOUT_MS });
    socket.once('connect', () => (socket.destroy(), resolve()));
    socket.once('timeout', () => socket.destroy(new Error(`${name}: no connection within ${TIMEOUT_MS} ms`)));
    socket.once('error', (error) => reject(new Error(`${name}: ${error.message}`)));
  });
}

const env = process.env;
const checks = {
  bridge: () => get(env.PORT || 3000, '/health/live'),
  worker: () =>
    Promise.all([
      reach('postgres', env.DATABASE_URL || 'postgres://127.0.0.1:5432', 5432),
      reach('redis', env.REDIS_URL || 'redis://127.0.0.1:6379', 6379),
    ]),
  'platform-sim': () => get(env.SIM_PORT || 4000, '/sim/health'),
  'livechat-sim': () => get(env.LIVECHAT_SIM_PORT || 4100, '/healthz'),
  'chatwoot-sim': () => get(env.CHATWOOT_SIM_PORT || 4200, '/healthz'),
};

const app = runningApp();
const check = app && checks[app];
if (!check) {
  console.error(`healthcheck: no known agent-bridge process is running (found ${app ?? 'none'})`);
  process.exit(1);
}
check().then(
  () => process.exit(0),
  (error) => {
    console.error(`healthcheck ${app}: ${error.message}`);
    process.exit(1);
  },
);
