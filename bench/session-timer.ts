import ort from 'onnxruntime-node';

/**
 * Counts the time spent inside onnxruntime's InferenceSession.run, for whichever engine runs
 * while it is on. Both engines share the same onnxruntime-node module, so one wrapper sees both.
 */
export class SessionTimer {
  private totalMs = 0;
  private calls = 0;

  constructor() {
    const proto = (ort.InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } }).prototype;
    const original = proto.run;
    const record = (ms: number) => {
      this.totalMs += ms;
      this.calls++;
    };
    proto.run = async function timedRun(this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        record(performance.now() - started);
      }
    };
  }

  /** Runs `work` and returns its wall time and the part of it spent in session.run. */
  async measure(work: () => Promise<unknown>): Promise<{ wallMs: number; runMs: number; runs: number }> {
    const before = { ms: this.totalMs, calls: this.calls };
    const started = performance.now();
    await work();
    return { wallMs: performance.now() - started, runMs: this.totalMs - before.ms, runs: this.calls - before.calls };
  }
}
