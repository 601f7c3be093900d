/**
 * Cell suppression for small groups of customers: which cells of a partition must not be shown.
 * Pure (no engine, no I/O); the outputs apply the decision at the time they print. The rule and
 * why it is enough are in CONTEXT.md.
 */

/** Why a cell is hidden: it is small itself, or it hides a small one from subtraction. */
export type SuppressionReason = 'small' | 'complementary';

/** One cell of a partition: a segment, cohort or cluster and how many customers it holds. */
export interface SuppressionCell {
  id: string;
  customers: number;
}

/** The decision for one cell, in the order the cells were given. */
export interface SuppressionDecision {
  id: string;
  suppressed: boolean;
  /** Null for a cell that is shown. */
  reason: SuppressionReason | null;
}

/** How to decide. */
export interface SuppressionOptions {
  /** `privacy.min_segment_size`: cells with 1 … threshold − 1 customers are hidden (a whole number ≥ 1). */
  threshold: number;
  /**
   * Whether the cells' total can be known to the reader: shown next to them (the "All customers"
   * row of a scheme), or the cells partition something published elsewhere. Only then can a hidden
   * cell be recovered by subtraction, so only then are further cells hidden.
   */
  totalKnown: boolean;
}

/**
 * Decides which cells of a partition to suppress (primary and complementary cell suppression, as
 * in statistical disclosure control: Hundepool et al., "Statistical Disclosure Control", Wiley
 * 2012, ch. 4 (frequency tables) and ch. 5 (magnitude tables), the threshold rule with secondary
 * suppression).
 *
 * 1. Primary: a cell with 0 < customers < threshold is suppressed (`small`). A cell with 0
 *    customers is shown as 0: it describes nobody, so it discloses nothing about anyone.
 * 2. Complementary, only when the total is known: if the suppressed cells could be worked out by
 *    subtracting the shown cells from the total — exactly one cell is suppressed, or the
 *    suppressed cells together hold fewer than `threshold` customers — the smallest shown
 *    non-empty cells are suppressed too (ties by id, then by position), one at a time, until at
 *    least two cells are suppressed and together hold at least `threshold` customers, or every
 *    non-empty cell is suppressed. Empty cells are never chosen: adding 0 customers to the hidden
 *    remainder protects nothing.
 *
 * Why that is enough for a one-dimensional partition: the only linear relation a reader has is
 * total − Σ shown = Σ suppressed. With two or more suppressed cells holding at least `threshold`
 * customers together, that sum is itself a figure about at least `threshold` customers, and no
 * single suppressed cell follows from it. Smallest first hides as little as possible.
 *
 * @example
 * decideSuppression(
 *   [{ id: 'A', customers: 3 }, { id: 'B', customers: 40 }, { id: 'C', customers: 25 }],
 *   { threshold: 10, totalKnown: true },
 * ); // A small, C complementary (the smallest shown cell), B shown
 */
export function decideSuppression(
  cells: readonly SuppressionCell[],
  o: SuppressionOptions,
): SuppressionDecision[] {
  if (!Number.isInteger(o.threshold) || o.threshold < 1)
    throw new RangeError(`suppression threshold must be a whole number ≥ 1, not ${o.threshold}`);
  for (const c of cells)
    if (!Number.isInteger(c.customers) || c.customers < 0)
      throw new RangeError(`cell '${c.id}': customers must be a whole number ≥ 0, not ${c.customers}`);

  const reasons: (SuppressionReason | null)[] = cells.map((c) =>
    c.customers > 0 && c.customers < o.threshold ? 'small' : null,
  );
  if (o.totalKnown) {
    let count = 0;
    let sum = 0;
    cells.forEach((c, i) => {
      if (reasons[i] !== null) {
        count++;
        sum += c.customers;
      }
    });
    if (count > 0) {
      // Shown non-empty cells, smallest first; ties by id (code-unit order, not locale), then position.
      const candidates = cells
        .map((c, i) => ({ c, i }))
        .filter(({ c, i }) => reasons[i] === null && c.customers > 0)
        .sort(
          (a, b) =>
            a.c.customers - b.c.customers || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0) || a.i - b.i,
        );
      for (const { c, i } of candidates) {
        if (count >= 2 && sum >= o.threshold) break;
        reasons[i] = 'complementary';
        count++;
        sum += c.customers;
      }
    }
  }
  return cells.map((c, i) => ({ id: c.id, suppressed: reasons[i] !== null, reason: reasons[i] ?? null }));
}

/**
 * How a suppressed cell reads in a table or CSV file.
 * @example suppressionLabel('small', 10) // 'suppressed (< 10)'
 */
export function suppressionLabel(reason: SuppressionReason, threshold: number): string {
  return reason === 'small' ? `suppressed (< ${threshold})` : 'suppressed (complementary)';
}

/** The note under a table with suppressed cells. */
export function suppressionNote(threshold: number, what = 'customers'): string {
  return (
    `suppressed (< ${threshold}): fewer than ${threshold} ${what} (privacy.min_segment_size); ` +
    `suppressed (complementary): hidden so that a smaller one cannot be worked out from the total.`
  );
}
