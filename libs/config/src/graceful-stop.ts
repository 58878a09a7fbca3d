/**
 * On SIGTERM or SIGINT: stop taking work, let running jobs and requests finish (Nest closes the
 * HTTP server, the BullMQ workers wait for their active jobs), then exit 0. A second signal exits
 * at once.
 */
export function stopGracefully(close: () => Promise<void>, name: string): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${name}: ${signal} received, stopping`);
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
