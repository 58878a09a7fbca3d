'use strict';
// Request/response over the IPC channel of a forked child. Children exit when the channel closes,
// so a runner that dies (even by SIGKILL) leaves no benchmark child behind.

/** Child side: answers `{rpc, cmd, args}` with `{rpc, ok, result|error}`. */
function serve(handlers) {
  process.on('message', (msg) => {
    if (!msg || msg.rpc === undefined) return;
    const handler = handlers[msg.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${msg.cmd}`);
        return handler(...(msg.args || []));
      })
      .then(
        (result) => process.connected && process.send({ rpc: msg.rpc, ok: true, result }),
        (error) => process.connected && process.send({ rpc: msg.rpc, ok: false, error: (error && error.stack) || String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Parent side of one child. */
class RpcClient {
  constructor(child, name) {
    this.child = child;
    this.name = name;
    this.next = 1;
    this.pending = new Map();
    child.on('message', (msg) => {
      if (!msg || msg.rpc === undefined) return;
      const waiter = this.pending.get(msg.rpc);
      if (!waiter) return;
      this.pending.delete(msg.rpc);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new Error(`${name}.${waiter.cmd} failed: ${msg.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${name} exited (${code ?? signal}) during ${waiter.cmd}`));
      this.pending.clear();
    });
  }

  call(cmd, ...args) {
    const rpc = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(rpc, { resolve, reject, cmd });
      this.child.send({ rpc, cmd, args }, (error) => {
        if (!error) return;
        this.pending.delete(rpc);
        reject(error);
      });
    });
  }
}

module.exports = { serve, RpcClient };
