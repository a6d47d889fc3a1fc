/**
 * Runs `stop` once on SIGTERM or SIGINT, and exits when it finishes or when `deadlineMs` passes,
 * whichever comes first (BullMQ's close() waits forever if Redis is gone).
 */
export function onShutdown(stop: () => Promise<void>, deadlineMs: number, log: (msg: string) => void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received; shutting down`);
    const timer = setTimeout(() => {
      log(`shutdown exceeded ${deadlineMs} ms; exiting`);
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
