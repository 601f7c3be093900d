import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSuppression } from '../privacy/suppression.js';
import { suppressMatrix, type MatrixCell, type MatrixDecision } from './migration-suppression.js';

/** Cells of a table given as rows of counts; `null` leaves a combination out. */
function grid(rows: Record<string, (number | null)[]>, cols: string[]): MatrixCell[] {
  return Object.entries(rows).flatMap(([row, counts]) =>
    counts.flatMap((customers, j) => (customers === null ? [] : [{ row, col: cols[j]!, customers }])),
  );
}

/** `{"row→col": reason}` for the hidden cells. */
const hidden = (d: MatrixDecision[]) =>
  Object.fromEntries(d.filter((x) => x.suppressed).map((x) => [`${x.row}→${x.col}`, x.reason]));

/** Rank of a matrix (Gaussian elimination with partial pivoting; small 0/1 systems). */
function rank(m: number[][]): number {
  const a = m.map((r) => [...r]);
  let r = 0;
  const width = a[0]?.length ?? 0;
  for (let c = 0; c < width && r < a.length; c++) {
    let p = r;
    for (let i = r + 1; i < a.length; i++) if (Math.abs(a[i]![c]!) > Math.abs(a[p]![c]!)) p = i;
    if (Math.abs(a[p]![c]!) < 1e-9) continue;
    [a[r], a[p]] = [a[p]!, a[r]!];
    for (let i = 0; i < a.length; i++) {
      if (i === r) continue;
      const f = a[i]![c]! / a[r]![c]!;
      for (let k = c; k < width; k++) a[i]![k]! -= f * a[r]![k]!;
    }
    r++;
  }
  return r;
}

/**
 * The hidden cells whose value follows from the row and column totals: with the shown cells
 * subtracted, each line gives Σ of its hidden cells; a hidden cell is determined exactly when its
 * unit vector lies in the span of those equations.
 */
function determined(cells: MatrixCell[], d: MatrixDecision[]): string[] {
  const unknowns = cells.map((_, i) => i).filter((i) => d[i]!.suppressed);
  if (unknowns.length === 0) return [];
  const lines = [...new Set(cells.map((c) => `r:${c.row}`)), ...new Set(cells.map((c) => `c:${c.col}`))].map(
    (line) => unknowns.map((i) => (line === `r:${cells[i]!.row}` || line === `c:${cells[i]!.col}` ? 1 : 0)),
  );
  const base = rank(lines);
  return unknowns
    .filter((i) => rank([...lines, unknowns.map((j) => (j === i ? 1 : 0))]) === base)
    .map((i) => `${cells[i]!.row}→${cells[i]!.col}`);
}

/** Each row and column: no hidden cell, or ≥ 2 holding ≥ t together, or every non-empty one hidden. */
function lineRuleHolds(cells: MatrixCell[], d: MatrixDecision[], t: number): string | undefined {
  for (const key of ['row', 'col'] as const)
    for (const line of new Set(cells.map((c) => c[key]))) {
      const idx = cells.map((c, i) => (c[key] === line ? i : -1)).filter((i) => i >= 0);
      const h = idx.filter((i) => d[i]!.suppressed);
      if (h.length === 0) continue;
      const sum = h.reduce((a, i) => a + cells[i]!.customers, 0);
      const allNonEmpty = idx.every((i) => d[i]!.suppressed || cells[i]!.customers === 0);
      if (!((h.length >= 2 && sum >= t) || allNonEmpty)) return `${key} ${line}`;
    }
  return undefined;
}

describe('suppressMatrix', () => {
  it('hides a small cell, its row partner, the column partners and closes the cycle', () => {
    const d = suppressMatrix(grid({ A: [40, 3], B: [25, 30] }, ['A', 'B']), 10);
    expect(hidden(d)).toEqual({
      'A→A': 'complementary',
      'A→B': 'small',
      'B→A': 'complementary',
      'B→B': 'complementary',
    });
  });

  it('leaves a table without small cells alone', () => {
    const d = suppressMatrix(grid({ A: [40, 0, 12], B: [25, 30, 10] }, ['A', 'B', '(gone)']), 10);
    expect(hidden(d)).toEqual({});
  });

  it('adds a partner for a hidden cell that the totals would determine (a bridge)', () => {
    // Rows Bronze, Silver, Gold, (new), (erased); columns Bronze, Silver, Gold, (gone).
    const cols = ['Bronze', 'Silver', 'Gold', '(gone)'];
    const cells = grid(
      {
        Bronze: [20, 12, 3, 0],
        Silver: [0, 14, 11, 1],
        Gold: [0, 0, 14, 0],
        '(new)': [5, 10, 0, null],
        '(erased)': [0, 1, 0, null],
      },
      cols,
    );
    const d = suppressMatrix(cells, 10);
    // Rows first: Bronze→Gold (3) takes Bronze→Silver (12); Silver→(gone) (1) takes Silver→Gold
    // (11); (new)→Bronze (5) takes (new)→Silver (10). Column Bronze then takes Bronze→Bronze.
    // Row and column passes are then stable, but Bronze→Gold would follow from the Gold column,
    // the Silver row and the (gone) column (14 − (12 − 1) = 3): Silver→Silver closes a cycle.
    expect(hidden(d)).toEqual({
      'Bronze→Bronze': 'complementary',
      'Bronze→Silver': 'complementary',
      'Bronze→Gold': 'small',
      'Silver→Silver': 'complementary',
      'Silver→Gold': 'complementary',
      'Silver→(gone)': 'small',
      '(new)→Bronze': 'small',
      '(new)→Silver': 'complementary',
      '(erased)→Silver': 'small',
    });
    // Only the two cells alone in their line (nothing else non-empty to hide with them) follow
    // from the totals; without the bridge step Bronze→Gold and Silver→Gold would too.
    expect(determined(cells, d).sort()).toEqual(['(erased)→Silver', 'Silver→(gone)']);
  });

  it('is decideSuppression on a single row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 15 }),
        (counts, t) => {
          const cols = counts.map((_, j) => `c${j}`);
          const d = suppressMatrix(grid({ only: counts }, cols), t);
          const want = decideSuppression(
            counts.map((customers, j) => ({ id: cols[j]!, customers })),
            { threshold: t, totalKnown: true },
          );
          expect(d.map((x) => x.reason)).toEqual(want.map((x) => x.reason));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('on tables without empty cells: nothing small shown, every line protected, no hidden cell determined', () => {
    const table = fc
      .record({ rows: fc.integer({ min: 2, max: 5 }), cols: fc.integer({ min: 2, max: 5 }) })
      .chain(({ rows, cols }) =>
        fc.record({
          counts: fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: cols, maxLength: cols }), {
            minLength: rows,
            maxLength: rows,
          }),
          t: fc.integer({ min: 2, max: 15 }),
        }),
      );
    fc.assert(
      fc.property(table, ({ counts, t }) => {
        const cols = counts[0]!.map((_, j) => `c${j}`);
        const cells = grid(Object.fromEntries(counts.map((r, i) => [`r${i}`, r])), cols);
        const d = suppressMatrix(cells, t);
        const info = `t=${t} ${JSON.stringify(counts)} hidden ${JSON.stringify(hidden(d))}`;
        cells.forEach((c, i) => {
          if (c.customers < t) expect(d[i]!.suppressed, info).toBe(true);
        });
        expect(lineRuleHolds(cells, d, t), info).toBeUndefined();
        expect(determined(cells, d), info).toEqual([]);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('with empty cells: nothing small shown, empty cells shown, every line protected', () => {
    const table = fc.record({
      counts: fc.array(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 25 })), { minLength: 4, maxLength: 4 }),
        { minLength: 1, maxLength: 5 },
      ),
      t: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(table, ({ counts, t }) => {
        const cells = grid(Object.fromEntries(counts.map((r, i) => [`r${i}`, r])), ['a', 'b', 'c', 'd']);
        const d = suppressMatrix(cells, t);
        const info = `t=${t} ${JSON.stringify(counts)}`;
        cells.forEach((c, i) => {
          if (c.customers > 0 && c.customers < t) expect(d[i]!.reason, info).toBe('small');
          if (c.customers === 0) expect(d[i]!.suppressed, info).toBe(false);
        });
        expect(lineRuleHolds(cells, d, t), info).toBeUndefined();
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it('rejects a threshold that is not a whole number ≥ 1', () => {
    expect(() => suppressMatrix([], 0)).toThrow(RangeError);
    expect(() => suppressMatrix([], 2.5)).toThrow(RangeError);
  });
});
