'use strict';
const { sleep } = require('./clock');

/** Polls `probe` until it returns a truthy value; throws naming `what` after `timeoutMs`. */
async function waitFor(what, probe, timeoutMs, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last: ${JSON.stringify(last)})`}`);
}

module.exports = { waitFor };
