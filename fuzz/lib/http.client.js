'use strict';
// Raw HTTP for the fuzz run: bytes as generated (fetch would refuse or rewrite some of them).
const http = require('node:http');

// A connection per request: a reset then belongs to that request, not to a pooled socket the bridge closed after an earlier 413.
const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });

/** Resolves to { status, headers, body } or { error } (network error or timeout); never rejects. */
function send(baseUrl, { method, path, headers, body }, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    const url = new URL(baseUrl);
    let req;
    try {
      req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent, timeout: timeoutMs }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ error: `response: ${error.code ?? error.message}` }));
      });
    } catch (error) {
      // Node refuses some generated paths or headers before sending: nothing reached the bridge.
      resolve({ skipped: error.code ?? error.message });
      return;
    }
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ error: error.message === 'timeout' ? 'timeout' : (error.code ?? error.message) }));
    req.end(body === undefined ? undefined : Buffer.from(body, 'utf8'));
  });
}

module.exports = { send };
