'use strict';
// A TCP proxy. In front of the platform sandbox, which has no "down" switch of its own: while down,
// its port is closed (connections are refused) and every open connection is cut; the sandbox behind
// it keeps its state, as a real service that comes back would. In front of several bridges, a load
// balancer: each connection goes to the next bridge, and to the one after when that one refuses.
const net = require('node:net');
const { freePort } = require('../../bench/lib/bridge');

class OutageProxy {
  constructor(targetPorts) {
    this.targets = [].concat(targetPorts);
    this.next = 0;
    this.sockets = new Set();
    this.server = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.port ??= await freePort();
    this.server = net.createServer((client) => {
      this.track(client);
      client.pause();
      this.connectUpstream(client, this.targets.length);
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
  }

  track(socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  connectUpstream(client, triesLeft) {
    const port = this.targets[this.next++ % this.targets.length];
    const upstream = net.connect(port, '127.0.0.1');
    this.track(upstream);
    let connected = false;
    upstream.once('error', () => {
      if (connected) return;
      if (triesLeft > 1 && !client.destroyed) this.connectUpstream(client, triesLeft - 1);
      else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  async down() {
    const server = this.server;
    this.server = null;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  up() {
    return this.start();
  }

  async stop() {
    if (this.server) await this.down();
  }
}

module.exports = { OutageProxy };
