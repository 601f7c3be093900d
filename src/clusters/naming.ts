import type { ClusterProfile } from './profile.js';

/** Words for a feature sitting above / below the average customer. */
interface Words {
  high: string;
  low: string;
}

/** Feature families and their plain words, first match wins (names as in CONTRACT.md). */
const VOCABULARY: [RegExp, Words][] = [
  [/^recency/, { high: 'lapsed', low: 'recent' }],
  [/^p_alive$/, { high: 'likely active', low: 'likely gone' }],
  [/^(aov|monetary_mean)$/, { high: 'big-basket', low: 'small-basket' }],
  [/^(orders|frequency|expected_purchases)/, { high: 'frequent', low: 'infrequent' }],
  [/^(revenue|margin|predicted_clv|historical_clv)/, { high: 'high-value', low: 'low-value' }],
  [/^age$/, { high: 'older', low: 'younger' }],
  [/^(events|visits|engagement)/, { high: 'engaged', low: 'disengaged' }],
  [/^(tenure|t_x|T(_|$))/, { high: 'long-standing', low: 'newer' }],
  [/^(nps|csat)/, { high: 'satisfied', low: 'dissatisfied' }],
  [/^avg_days_between/, { high: 'slow-returning', low: 'fast-returning' }],
  [/^cac$/, { high: 'costly-to-acquire', low: 'cheap-to-acquire' }],
  [/^categories/, { high: 'broad-basket', low: 'narrow-basket' }],
];

/** A cluster must sit at least this many standard deviations from the average to be named by it. */
export const NAME_MIN_DIFF = 0.5;
/** At most this many features make a name. */
export const NAME_MAX_WORDS = 3;

/** The word for a feature above (high) or below the average customer. */
export function featureWord(feature: string, high: boolean): string {
  for (const [re, w] of VOCABULARY) if (re.test(feature)) return high ? w.high : w.low;
  return `${high ? 'high' : 'low'} ${feature.replaceAll('_', ' ')}`;
}

/** Distinct words describing a cluster, most distinguishing feature first. */
export function describingWords(profile: ClusterProfile, minDiff = NAME_MIN_DIFF): string[] {
  const ranked = [...profile.features]
    .filter((f) => Math.abs(f.std_diff) >= minDiff)
    .sort((a, b) => Math.abs(b.std_diff) - Math.abs(a.std_diff) || a.feature.localeCompare(b.feature));
  const words: string[] = [];
  for (const f of ranked) {
    const w = featureWord(f.feature, f.std_diff > 0);
    if (!words.includes(w)) words.push(w);
  }
  return words;
}

function phrase(words: readonly string[]): string {
  if (words.length === 0) return 'Average customers';
  const head = words.slice(0, 2).join(' ');
  const tail = words.slice(2);
  const text = `${head} customers${tail.length > 0 ? `, ${tail.join(', ')}` : ''}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A plain-language name per cluster from the features that distinguish it most (|standardised
 * difference| ≥ {@link NAME_MIN_DIFF}, largest first, at most {@link NAME_MAX_WORDS}): the first two
 * words qualify "customers", the rest follow after a comma, e.g. "Frequent high-value customers,
 * recent". Names are unique within the scheme and do not reuse `taken` ones: a clash takes the
 * next distinguishing word, then a number ("… (2)"). Clusters are named in the given order.
 *
 * @example
 * nameClusters(profiles, new Set(['Recent customers'])); // ['Frequent big-basket customers', …]
 */
export function nameClusters(
  profiles: readonly ClusterProfile[],
  taken: ReadonlySet<string> = new Set(),
): string[] {
  const used = new Set(taken);
  return profiles.map((p) => {
    const words = describingWords(p);
    let name = phrase(words.slice(0, NAME_MAX_WORDS));
    for (let extra = NAME_MAX_WORDS + 1; used.has(name) && extra <= words.length; extra++)
      name = phrase(words.slice(0, extra));
    if (used.has(name)) {
      const base = name;
      for (let i = 2; used.has(name); i++) name = `${base} (${i})`;
    }
    used.add(name);
    return name;
  });
}
