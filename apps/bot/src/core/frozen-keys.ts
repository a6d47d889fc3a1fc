/**
 * Replies whose edits are over because their final text went out: remembered long enough that no
 * late streamed edit can slip in, and bounded, so a busy bot does not grow without end.
 */
export class FrozenKeys {
  private readonly frozenAt = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly capacity = 10_000,
  ) {}

  freeze(key: string): void {
    this.frozenAt.set(key, this.now());
    if (this.frozenAt.size > this.capacity) this.frozenAt.delete(this.frozenAt.keys().next().value!);
  }

  has(key: string): boolean {
    const at = this.frozenAt.get(key);
    if (at === undefined) return false;
    if (this.now() - at < this.ttlMs) return true;
    this.frozenAt.delete(key);
    return false;
  }
}

/** Whether a streamed edit may still go out: false once the request's final reply is being delivered. */
export type StillStreaming = () => Promise<boolean>;
