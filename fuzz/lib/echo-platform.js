'use strict';
// Stands in for the platform and LiveChat at the URLs the fuzzed bodies carry: every call gets a
// 200, so the bridge's workers finish their jobs instead of retrying into the next run.
const http = require('node:http');

async function startEchoPlatform() {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url.includes('/getMessages') ? '{"messages":[]}' : '{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls: () => calls,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

module.exports = { startEchoPlatform };
