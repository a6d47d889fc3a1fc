/** A single-consumer async queue of text pieces, ended or failed by its producer. */
export class PieceQueue {
  private readonly buffered: string[] = [];
  private waiting: ((r: IteratorResult<string>) => void) | null = null;
  private failWaiting: ((err: unknown) => void) | null = null;
  private done = false;
  private error: unknown = null;

  push(piece: string): void {
    if (this.waiting) this.settle({ value: piece, done: false });
    else this.buffered.push(piece);
  }

  end(): void {
    this.done = true;
    if (this.waiting) this.settle({ value: undefined, done: true });
  }

  fail(err: unknown): void {
    this.error = err;
    this.done = true;
    if (this.failWaiting) {
      const reject = this.failWaiting;
      this.waiting = this.failWaiting = null;
      reject(err);
    }
  }

  iterator(): AsyncIterator<string> {
    return {
      next: () => {
        const piece = this.buffered.shift();
        if (piece !== undefined) return Promise.resolve({ value: piece, done: false });
        if (this.error) return Promise.reject(this.error);
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failWaiting = reject;
        });
      },
    };
  }

  private settle(result: IteratorResult<string>): void {
    const resolve = this.waiting!;
    this.waiting = this.failWaiting = null;
    resolve(result);
  }
}
