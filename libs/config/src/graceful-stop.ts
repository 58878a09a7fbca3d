/**
 * SIGTERM/SIGINT: finish running work, then exit 0; a second signal exits at once. Past `timeoutSeconds`
 * exit 1: with Redis away, Worker.close() and quit() wait forever (https://github.com/taskforcesh/bullmq/issues/4656).
 */
export function stopGracefully(close: () => Promise<void>, name: string, timeoutSeconds: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${name}: ${signal} received, stopping`);
    setTimeout(() => {
      console.error(`${name}: not stopped after ${timeoutSeconds} s (is Postgres or Redis unreachable?); exiting`);
      process.exit(1);
    }, timeoutSeconds * 1000).unref();
    close().then(
      () => {
        console.log(`${name}: stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`${name}: error while stopping: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
