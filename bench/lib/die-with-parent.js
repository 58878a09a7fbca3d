'use strict';
// Preloaded (`node -r`) into the bridge child, which is spawned with an IPC channel only for this:
// when the runner goes away, the bridge stops gracefully (so --cpu-prof still writes its profile),
// and is killed outright if that takes too long. Nothing else in the bridge changes.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => {
    setTimeout(() => process.exit(1), 15_000).unref();
    process.kill(process.pid, 'SIGTERM');
  });
}
