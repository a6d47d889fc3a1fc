import { spawn, type ChildProcess } from 'node:child_process';
import { LOOPBACK_GUARD, appMain } from './paths.js';

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/** One of Parley's apps running as a real process, with its JSON log lines collected. */
export class AppProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(app: 'bot' | 'worker' | 'demo', env: Record<string, string>) {
    this.child = spawn(process.execPath, [appMain(app)], {
      // Any free loopback port for the ops servers, so that processes started side by side don't collide.
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_OPTIONS: `--require ${LOOPBACK_GUARD}`,
        OPS_PORT: '0',
        OPS_HOST: '127.0.0.1',
        BOT_OPS_PORT: '0',
        BOT_OPS_HOST: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first log line whose msg is `msg`; rejects if the process exits first. */
  async waitForLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.logs.find((l) => l.msg === msg);
      if (line) return line;
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before "${msg}": ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${this.stderr}`);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal now, e.g. SIGKILL to simulate a crash. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
