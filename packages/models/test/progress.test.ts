import { describe, expect, it } from 'vitest';
import { formatBytes } from '../src/format.js';
import { createProgress } from '../src/progress.js';

class Screen {
  text = '';
  constructor(readonly isTTY: boolean) {}
  columns = 200;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const FILES = [
  { path: 'config.json', size: 1000, have: 1000 },
  { path: 'onnx/model.onnx', size: 4_000_000, have: 1_000_000 },
];

describe('pull progress', () => {
  it('redraws one bar on a terminal, with totals, rate and the current file', () => {
    let t = 0;
    const screen = new Screen(true);
    const progress = createProgress(screen, () => t);
    progress.plan('qwen', FILES);
    progress.fileStart('config.json');
    progress.fileDone('config.json');
    progress.fileStart('onnx/model.onnx');
    t = 1000;
    progress.bytes('onnx/model.onnx', 3_000_000);
    t = 1050;
    progress.bytes('onnx/model.onnx', 3_500_000); // within 100 ms of the last draw: not drawn
    progress.retry('onnx/model.onnx', 'the connection closed', 3_500_000);
    progress.fileDone('onnx/model.onnx');
    progress.finish();
    const frames = screen.text.split('\r\x1b[2K').filter(Boolean);
    expect(frames).toContain('qwen [------------------------] 75%  3.00 MB/4.00 MB  2.00 MB/s  onnx/model.onnx'.replace('------------------------', '##################------'));
    expect(frames.some((f) => f.includes('3.50 MB/4.00 MB') && !f.includes('\n'))).toBe(true); // drawn only after the retry line
    expect(frames).toContain('onnx/model.onnx: the connection closed; retrying from 3.50 MB\n');
    expect(screen.text.endsWith('\n')).toBe(true);
    expect(frames.at(-1)).toMatch(/^qwen \[#{24}\] 100%  4.00 MB\/4.00 MB/);
  });

  it('writes plain lines elsewhere: the plan, each file, its quarters, resumptions', () => {
    const screen = new Screen(false);
    const progress = createProgress(screen);
    progress.plan('qwen', FILES);
    progress.fileStart('config.json');
    progress.fileDone('config.json');
    progress.fileStart('onnx/model.onnx');
    for (const b of [1_500_000, 2_100_000, 3_000_000, 3_900_000, 4_000_000]) progress.bytes('onnx/model.onnx', b);
    progress.fileDone('onnx/model.onnx');
    progress.finish();
    expect(screen.text).toBe(
      [
        'pulling qwen: 2 files, 4.00 MB (1.00 MB already here)',
        '  config.json already here',
        '  onnx/model.onnx (4.00 MB, resuming at 1.00 MB)',
        '  onnx/model.onnx 50%',
        '  onnx/model.onnx 75%',
        '  onnx/model.onnx done',
        '',
      ].join('\n'),
    );
  });

  it('formats sizes in decimal units', () => {
    expect([0, 999, 1000, 123_456, 1_234_567_890].map(formatBytes)).toEqual(['0 B', '999 B', '1.00 kB', '123 kB', '1.23 GB']);
  });
});
