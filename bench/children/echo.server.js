'use strict';
// The floor: a bare node:http server that parses the JSON body and answers a small JSON object.
const http = require('node:http');
const { serve } = require('../lib/rpc');

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const text = JSON.stringify({ ok: true, requestId: body.requestId });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  serve({});
  process.send({ ready: true, info: { url: `http://127.0.0.1:${server.address().port}` } });
});
