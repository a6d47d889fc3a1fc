import { formatBytes } from './format.js';
import type { PlannedFile, PullProgress } from './pull.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A redrawn bar on a terminal; plain lines (start, quarters, done) anywhere else, such as CI logs. */
export function createProgress(stream: ProgressStream, now: () => number = Date.now): PullProgress {
  return stream.isTTY ? new BarProgress(stream, now) : new LineProgress(stream);
}

/** Totals over the whole pull, shared by both renderings. */
class Totals {
  model = '';
  files = new Map<string, PlannedFile & { done: number }>();
  plan(model: string, files: PlannedFile[]): void {
    this.model = model;
    for (const f of files) this.files.set(f.path, { ...f, done: f.have });
  }
  get total(): number {
    return [...this.files.values()].reduce((s, f) => s + f.size, 0);
  }
  get done(): number {
    return [...this.files.values()].reduce((s, f) => s + f.done, 0);
  }
  get have(): number {
    return [...this.files.values()].reduce((s, f) => s + f.have, 0);
  }
}

class LineProgress extends Totals implements PullProgress {
  private quarter = 0;
  constructor(private readonly out: ProgressStream) {
    super();
  }
  override plan(model: string, files: PlannedFile[]): void {
    super.plan(model, files);
    const here = this.have > 0 ? ` (${formatBytes(this.have)} already here)` : '';
    this.out.write(`pulling ${model}: ${files.length} files, ${formatBytes(this.total)}${here}\n`);
  }
  fileStart(path: string): void {
    const f = this.files.get(path)!;
    this.quarter = Math.floor((4 * f.done) / Math.max(f.size, 1));
    if (f.done === f.size) return;
    const resume = f.done > 0 ? `, resuming at ${formatBytes(f.done)}` : '';
    this.out.write(`  ${path} (${formatBytes(f.size)}${resume})\n`);
  }
  bytes(path: string, bytesOnDisk: number): void {
    const f = this.files.get(path)!;
    f.done = bytesOnDisk;
    const quarter = Math.floor((4 * bytesOnDisk) / Math.max(f.size, 1));
    if (quarter > this.quarter && quarter < 4 && f.size >= 1_000_000) this.out.write(`  ${path} ${quarter * 25}%\n`);
    this.quarter = Math.max(this.quarter, quarter);
  }
  fileDone(path: string): void {
    const f = this.files.get(path)!;
    this.out.write(`  ${path} ${f.have === f.size ? 'already here' : 'done'}\n`);
    f.done = f.size;
  }
  retry(path: string, reason: string, resumeAt: number): void {
    this.out.write(`  ${path}: ${reason}; retrying from ${formatBytes(resumeAt)}\n`);
  }
  finish(): void {}
}

class BarProgress extends Totals implements PullProgress {
  private current = '';
  private lastDraw = 0;
  private readonly started: number;
  private startBytes = 0;
  constructor(
    private readonly out: ProgressStream,
    private readonly now: () => number,
  ) {
    super();
    this.started = now();
  }
  override plan(model: string, files: PlannedFile[]): void {
    super.plan(model, files);
    this.startBytes = this.have;
    this.draw(true);
  }
  fileStart(path: string): void {
    this.current = path;
    this.draw(true);
  }
  bytes(path: string, bytesOnDisk: number): void {
    this.files.get(path)!.done = bytesOnDisk;
    this.draw(false);
  }
  fileDone(path: string): void {
    this.files.get(path)!.done = this.files.get(path)!.size;
    this.draw(true);
  }
  retry(path: string, reason: string, resumeAt: number): void {
    this.out.write(`\r\x1b[2K${path}: ${reason}; retrying from ${formatBytes(resumeAt)}\n`);
    this.draw(true);
  }
  finish(): void {
    this.current = '';
    this.draw(true);
    this.out.write('\n');
  }
  private draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const total = this.total;
    const done = this.done;
    const ratio = total > 0 ? done / total : 1;
    const width = 24;
    const filled = Math.round(ratio * width);
    const seconds = (t - this.started) / 1000;
    const rate = seconds > 0.5 ? `  ${formatBytes((done - this.startBytes) / seconds)}/s` : '';
    let line = `${this.model} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}%  ${formatBytes(done)}/${formatBytes(total)}${rate}`;
    if (this.current) line += `  ${this.current}`;
    const columns = this.out.columns ?? 100;
    this.out.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
  }
}
