/**
 * "Did you mean …?" suggestions: the nearest candidate by Damerau-Levenshtein (optimal string
 * alignment) distance, accepted only when it is close enough to be a plausible typo.
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * The candidate nearest to `word`, or undefined when none is within a third of the word's length
 * (at least 2 edits allowed). Case-insensitive.
 *
 * @example nearest('revenu_365d', ['revenue_365d', 'orders_365d']) // 'revenue_365d'
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/** A ready-made hint: "did you mean 'x'?" or a list of valid choices. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const n = nearest(word, candidates);
  if (n !== undefined) return `did you mean '${n}'?`;
  const shown = candidates
    .slice(0, 12)
    .map((c) => `'${c}'`)
    .join(', ');
  return `valid choices: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
