/**
 * A Slack method's per-workspace rate limit as a rolling minute: at most `perMinute` calls in
 * any 60 s, per workspace. Unlike evenly spaced calls it lets a burst through at once (a
 * stream's first appends), and it still never exceeds the tier; a 429 pauses the workspace for
 * as long as Slack says.
 */
export class WorkspaceBudget {
  private readonly calls = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a call and returns true if it fits now. */
  take(team: string): boolean {
    if (this.waitMs(team) > 0) return false;
    this.calls.get(team)!.push(this.now());
    return true;
  }

  /** How long until a call fits (0: now). */
  waitMs(team: string): number {
    const now = this.now();
    const recent = (this.calls.get(team) ?? []).filter((t) => t > now - 60_000);
    this.calls.set(team, recent);
    const paused = Math.max(0, (this.pausedUntil.get(team) ?? 0) - now);
    const full = recent.length >= this.perMinute ? recent[recent.length - this.perMinute]! + 60_000 - now : 0;
    return Math.max(paused, full);
  }

  /** Slack answered 429 with Retry-After. */
  pause(team: string, ms: number): void {
    this.pausedUntil.set(team, Math.max(this.pausedUntil.get(team) ?? 0, this.now() + ms));
  }
}
