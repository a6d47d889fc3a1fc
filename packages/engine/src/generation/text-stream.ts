/**
 * Turns generated token ids into text pieces that are safe to show as they come:
 * - a piece never ends inside a multi-byte character (the tokenizer's replacement character
 *   U+FFFD means the bytes are not complete yet);
 * - SentencePiece and byte-level word-start spaces survive, because each piece is the difference
 *   between two decodes that start at the same token;
 * - text that could be the start of a stop string is held back until it can't be, so a stop
 *   string is never half-shown; when one appears, the text ends right before it.
 * The pieces joined are exactly `text`.
 */
export class TextStream {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  private stable = '';
  private emitted = 0;
  private stoppedAt: number | null = null;
  private readonly longestStop: number;

  constructor(
    private readonly decode: (ids: readonly number[]) => string,
    private readonly stops: readonly string[] = [],
  ) {
    this.longestStop = Math.max(0, ...stops.map((s) => s.length));
  }

  /** True once a stop string has appeared; generation should end. */
  get stopped(): boolean {
    return this.stoppedAt !== null;
  }

  /** The text so far (up to a stop string, if one appeared). */
  get text(): string {
    return this.stoppedAt === null ? this.stable : this.stable.slice(0, this.stoppedAt);
  }

  /** Adds a token; returns the text that may be shown now (often ''). */
  push(id: number): string {
    if (this.stopped) return '';
    this.ids.push(id);
    const before = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const after = this.decode(this.ids.slice(this.prefixOffset));
    if (after.length > before.length && !after.endsWith('\uFFFD')) {
      this.stable += after.slice(before.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
    }
    return this.release(false);
  }

  /** Ends the stream: returns whatever was still held back. */
  finish(): string {
    if (!this.stopped && this.readOffset < this.ids.length) {
      const before = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
      this.stable += this.decode(this.ids.slice(this.prefixOffset)).slice(before.length);
      this.readOffset = this.ids.length;
    }
    return this.release(true);
  }

  private release(final: boolean): string {
    if (this.stoppedAt === null && this.stops.length) {
      const from = Math.max(0, this.emitted - this.longestStop + 1);
      let first = -1;
      for (const stop of this.stops) {
        const at = this.stable.indexOf(stop, from);
        if (at !== -1 && (first === -1 || at < first)) first = at;
      }
      if (first !== -1) this.stoppedAt = first;
    }
    const end = this.stoppedAt ?? (final ? this.stable.length : this.stable.length - this.heldBack());
    if (end <= this.emitted) return '';
    const piece = this.stable.slice(this.emitted, end);
    this.emitted = end;
    return piece;
  }

  /** Length of the longest tail of the text that is the start of some stop string. */
  private heldBack(): number {
    for (let n = Math.min(this.longestStop - 1, this.stable.length); n > 0; n--) {
      const tail = this.stable.slice(this.stable.length - n);
      if (this.stops.some((s) => s.startsWith(tail))) return n;
    }
    return 0;
  }
}
