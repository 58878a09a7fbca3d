'use strict';
const consoleKill = { name: 'console-kill', title: 'TODO', setup: { provider: 'console', bridges: 2, worker: false }, holdSeconds: () => 0, async run() { throw new Error('not yet'); } };
module.exports = { consoleKill };
