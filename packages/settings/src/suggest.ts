/** Edit distance (insertions, deletions, substitutions), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a likely typo.
 * `candidates` maps the spellings to compare against to what to suggest.
 */
export function closest(input: string, candidates: ReadonlyMap<string, string>): string | undefined {
  let best: { suggestion: string; distance: number } | undefined;
  for (const [spelling, suggestion] of candidates) {
    const distance = editDistance(input, spelling);
    if (!best || distance < best.distance) best = { suggestion, distance };
  }
  const tolerance = Math.max(2, Math.floor(input.length * 0.4));
  return best && best.distance <= tolerance ? best.suggestion : undefined;
}
