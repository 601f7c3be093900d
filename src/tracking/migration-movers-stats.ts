/**
 * The numbers behind "who moved and why": per feature, how much the movers' mean changed between
 * the two snapshots' dates compared with the stayers', in units of the feature's spread. Pure.
 */

/** Sums of one feature over one group of customers, at the two dates. */
export interface GroupSums {
  /** Customers with a value at `from`, Σ of the values, Σ of their squares. */
  nFrom: number;
  sumFrom: number;
  sqFrom: number;
  /** The same at `to`. */
  nTo: number;
  sumTo: number;
  sqTo: number;
  /** Customers with a value at both dates and Σ (value at `to` − value at `from`). */
  nChange: number;
  sumChange: number;
}

/** How one feature changed for the movers, against the stayers. */
export interface FeatureShift {
  feature: string;
  movers_from: number | null;
  movers_to: number | null;
  /** Mean change per mover (over movers with a value at both dates). */
  movers_change: number | null;
  stayers_from: number | null;
  stayers_to: number | null;
  stayers_change: number | null;
  /**
   * (movers_change − stayers_change) / s, or movers_change / s without stayers: s is the feature's
   * standard deviation over the compared customers' values at both dates together.
   */
  std_change: number | null;
  /** (movers_from − stayers_from) / s: how different the movers already were before the move. */
  std_from: number | null;
}

const mean = (sum: number, n: number) => (n > 0 ? sum / n : null);

/**
 * One feature's shift. The scale s pools every value of the compared groups at both dates (sample
 * standard deviation, n − 1): one yardstick for the change and for the difference at `from`, that
 * exists whenever the feature varies at all — also when every customer had the same value at
 * `from` (e.g. no orders in the last 30 days) and only the change sets them apart. A constant
 * feature has no shift (`std_*` null).
 *
 * The difference of mean changes is a difference-in-differences of group means; dividing by a
 * standard deviation makes features of different units comparable, as a standardised mean
 * difference does (Austin, "Balance diagnostics for comparing the distribution of baseline
 * covariates between treatment groups", Statistics in Medicine 28, 2009).
 *
 * @example
 * featureShift('orders_90d', movers, stayers).std_change // 1.4: movers' orders rose 1.4 sd more
 */
export function featureShift(feature: string, movers: GroupSums, stayers?: GroupSums): FeatureShift {
  const groups = stayers ? [movers, stayers] : [movers];
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const g of groups) {
    n += g.nFrom + g.nTo;
    sum += g.sumFrom + g.sumTo;
    sq += g.sqFrom + g.sqTo;
  }
  let s: number | null = null;
  if (n >= 2) {
    const variance = (sq - (sum * sum) / n) / (n - 1);
    // Below this, the variance is rounding error of Σx² − (Σx)²/n on a constant column.
    const noise = 1e-12 * Math.max(1, sq / n);
    if (variance > noise) s = Math.sqrt(variance);
  }
  const m = {
    from: mean(movers.sumFrom, movers.nFrom),
    to: mean(movers.sumTo, movers.nTo),
    change: mean(movers.sumChange, movers.nChange),
  };
  const st = stayers
    ? {
        from: mean(stayers.sumFrom, stayers.nFrom),
        to: mean(stayers.sumTo, stayers.nTo),
        change: mean(stayers.sumChange, stayers.nChange),
      }
    : { from: null, to: null, change: null };
  let stdChange: number | null = null;
  let stdFrom: number | null = null;
  if (s !== null && m.change !== null) {
    if (!stayers) stdChange = m.change / s;
    else if (st.change !== null) stdChange = (m.change - st.change) / s;
  }
  if (s !== null && m.from !== null && st.from !== null) stdFrom = (m.from - st.from) / s;
  return {
    feature,
    movers_from: m.from,
    movers_to: m.to,
    movers_change: m.change,
    stayers_from: st.from,
    stayers_to: st.to,
    stayers_change: st.change,
    std_change: stdChange,
    std_from: stdFrom,
  };
}

/**
 * The shifts ranked by |std_change|, largest first (ties by name), without features whose change
 * cannot be standardised.
 */
export function rankShifts(shifts: readonly FeatureShift[]): FeatureShift[] {
  // Compared at 10 significant digits: features equal in exact arithmetic (orders_total and
  // frequency for customers with one order a day) tie, and go by name, not by rounding noise.
  const size = (s: FeatureShift) => Number(Math.abs(s.std_change!).toPrecision(10));
  return shifts
    .filter((s) => s.std_change !== null && Number.isFinite(s.std_change))
    .sort((a, b) => size(b) - size(a) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
}
