import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideSuppression,
  suppressionLabel,
  type SuppressionCell,
  type SuppressionDecision,
} from '../../src/privacy/suppression.js';
import { suppressSegmentRows } from '../../src/privacy/suppress-segments.js';
import { minSegmentSizeOf } from '../../src/privacy/threshold.js';
import type { SegmentRow } from '../../src/snapshot/read.js';

const cells = (sizes: Record<string, number>): SuppressionCell[] =>
  Object.entries(sizes).map(([id, customers]) => ({ id, customers }));

/** `{id: reason}` for the suppressed cells only. */
const hidden = (d: SuppressionDecision[]) =>
  Object.fromEntries(d.filter((x) => x.suppressed).map((x) => [x.id, x.reason]));

describe('decideSuppression', () => {
  it('hides a small cell and, with the total known, the next smallest as complementary', () => {
    const d = decideSuppression(cells({ A: 3, B: 40, C: 25, D: 120 }), { threshold: 10, totalKnown: true });
    expect(hidden(d)).toEqual({ A: 'small', C: 'complementary' });
    // Returned in the order given, every cell once.
    expect(d.map((x) => x.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(d.find((x) => x.id === 'B')).toEqual({ id: 'B', suppressed: false, reason: null });
  });

  it('hides only the small cell when the total is not known', () => {
    const d = decideSuppression(cells({ A: 3, B: 40, C: 25 }), { threshold: 10, totalKnown: false });
    expect(hidden(d)).toEqual({ A: 'small' });
  });

  it('needs nothing more when two small cells together reach the threshold', () => {
    const d = decideSuppression(cells({ A: 4, B: 6, C: 50, D: 70 }), { threshold: 10, totalKnown: true });
    expect(hidden(d)).toEqual({ A: 'small', B: 'small' });
  });

  it('adds cells until the hidden ones reach the threshold together', () => {
    // 2 + 3 = 5 < 10: the smallest shown cell (12) joins them.
    const d = decideSuppression(cells({ A: 2, B: 3, C: 12, D: 30 }), { threshold: 10, totalKnown: true });
    expect(hidden(d)).toEqual({ A: 'small', B: 'small', C: 'complementary' });
    // 1 + 2 = 3 < 5: the smallest shown cell joins; P and Q tie on size, P wins by id.
    const tie = decideSuppression(cells({ Z: 1, Y: 2, Q: 10, P: 10, R: 50 }), {
      threshold: 5,
      totalKnown: true,
    });
    expect(hidden(tie)).toEqual({ Z: 'small', Y: 'small', P: 'complementary' });
    const tie2 = decideSuppression(cells({ A: 5, Q: 20, P: 20, R: 50 }), { threshold: 10, totalKnown: true });
    expect(hidden(tie2)).toEqual({ A: 'small', P: 'complementary' });
  });

  it('shows empty cells as 0 and never picks them as complementary', () => {
    const d = decideSuppression(cells({ A: 3, E: 0, F: 0, B: 15, C: 30 }), {
      threshold: 10,
      totalKnown: true,
    });
    expect(hidden(d)).toEqual({ A: 'small', B: 'complementary' });
  });

  it('hides every non-empty cell when the whole partition is too small', () => {
    const d = decideSuppression(cells({ A: 3, B: 4, E: 0 }), { threshold: 10, totalKnown: true });
    expect(hidden(d)).toEqual({ A: 'small', B: 'small' });
    const two = decideSuppression(cells({ A: 3, B: 400 }), { threshold: 10, totalKnown: true });
    expect(hidden(two)).toEqual({ A: 'small', B: 'complementary' });
  });

  it('hides nothing with threshold 1, or when no cell is small', () => {
    expect(
      hidden(decideSuppression(cells({ A: 1, B: 2, C: 0 }), { threshold: 1, totalKnown: true })),
    ).toEqual({});
    expect(hidden(decideSuppression(cells({ A: 10, B: 11 }), { threshold: 10, totalKnown: true }))).toEqual(
      {},
    );
    expect(decideSuppression([], { threshold: 10, totalKnown: true })).toEqual([]);
  });

  it('rejects a threshold or a count that is not a whole number in range', () => {
    expect(() => decideSuppression(cells({ A: 3 }), { threshold: 0, totalKnown: true })).toThrow(RangeError);
    expect(() => decideSuppression(cells({ A: 3 }), { threshold: 2.5, totalKnown: true })).toThrow(
      RangeError,
    );
    expect(() => decideSuppression(cells({ A: -1 }), { threshold: 10, totalKnown: true })).toThrow(/'A'/);
  });

  it('labels hidden cells for tables and CSV files', () => {
    expect(suppressionLabel('small', 10)).toBe('suppressed (< 10)');
    expect(suppressionLabel('complementary', 10)).toBe('suppressed (complementary)');
  });
});

describe('decideSuppression properties', () => {
  const partition = fc.record({
    sizes: fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 500 }),
      ),
      { minLength: 0, maxLength: 12 },
    ),
    threshold: fc.integer({ min: 1, max: 40 }),
    totalKnown: fc.boolean(),
  });
  const asCells = (sizes: number[]) => sizes.map((customers, i) => ({ id: `s${i}`, customers }));

  it('leaves nothing recoverable by subtraction from the total', () => {
    fc.assert(
      fc.property(partition, ({ sizes, threshold }) => {
        const c = asCells(sizes);
        const d = decideSuppression(c, { threshold, totalKnown: true });
        const hiddenCells = c.filter((_, i) => d[i]!.suppressed);
        const hiddenSum = hiddenCells.reduce((a, x) => a + x.customers, 0);
        const nonEmpty = c.filter((x) => x.customers > 0).length;
        // total − Σ shown = Σ hidden: safe when nothing is hidden, when that sum covers at least two
        // cells and `threshold` customers, or when there is nothing left to hide.
        const safe =
          hiddenCells.length === 0 ||
          (hiddenCells.length >= 2 && hiddenSum >= threshold) ||
          hiddenCells.length === nonEmpty;
        expect(safe, JSON.stringify({ sizes, threshold, d })).toBe(true);
      }),
      { numRuns: 2000, seed: 20240501 },
    );
  });

  it('hides every small cell, only small cells as small, and big ones only as complementary', () => {
    fc.assert(
      fc.property(partition, ({ sizes, threshold, totalKnown }) => {
        const c = asCells(sizes);
        const d = decideSuppression(c, { threshold, totalKnown });
        c.forEach((x, i) => {
          const small = x.customers > 0 && x.customers < threshold;
          const at = JSON.stringify({ sizes, threshold, totalKnown, cell: x, decision: d[i] });
          expect(d[i]!.id, at).toBe(x.id);
          expect(d[i]!.suppressed, at).toBe(d[i]!.reason !== null);
          if (small) expect(d[i]!.reason, at).toBe('small');
          else expect(d[i]!.reason, at).not.toBe('small');
          if (x.customers === 0) expect(d[i]!.suppressed, at).toBe(false);
          if (!totalKnown) expect(d[i]!.reason, at).not.toBe('complementary');
        });
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('picks complementary cells smallest first and no more than needed', () => {
    fc.assert(
      fc.property(partition, ({ sizes, threshold }) => {
        const c = asCells(sizes);
        const d = decideSuppression(c, { threshold, totalKnown: true });
        const comp = c.filter((_, i) => d[i]!.reason === 'complementary');
        const shown = c.filter((x, i) => !d[i]!.suppressed && x.customers > 0);
        const at = JSON.stringify({ sizes, threshold, d });
        // Every shown non-empty cell is at least as large as every complementary one.
        for (const s of shown)
          for (const x of comp) expect(s.customers, at).toBeGreaterThanOrEqual(x.customers);
        // Without the largest complementary cell, the hidden cells would not be safe.
        if (comp.length > 0) {
          const largest = Math.max(...comp.map((x) => x.customers));
          const rest = c.filter(
            (x, i) => d[i]!.suppressed && x !== comp.find((y) => y.customers === largest),
          );
          const restSum = rest.reduce((a, x) => a + x.customers, 0);
          expect(rest.length >= 2 && restSum >= threshold, at).toBe(false);
        }
      }),
      { numRuns: 2000, seed: 99 },
    );
  });

  it('does not depend on the order of the cells', () => {
    fc.assert(
      fc.property(partition, fc.integer({ min: 0, max: 1000 }), ({ sizes, threshold, totalKnown }, shift) => {
        const c = asCells(sizes);
        const rotated = c.map((_, i) => c[(i + shift) % c.length]!);
        const a = hidden(decideSuppression(c, { threshold, totalKnown }));
        const b = hidden(decideSuppression(rotated, { threshold, totalKnown }));
        expect(b).toEqual(a);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});

describe('suppressSegmentRows', () => {
  const row = (segment: string, customers: number): SegmentRow => ({
    segment,
    customers,
    kpis: {
      customers: { value: customers, ci_low: null, ci_high: null, ci_method: null, available: true },
      aov: {
        value: 42.5,
        ci_low: 30,
        ci_high: 55,
        ci_method: 'delta',
        available: true,
        reason: `too few customers (n = ${customers})`,
      },
    },
    flags: [{ kpi: 'aov', direction: 'over', p_value: 0.01 }],
  });

  it('blanks the numbers, flags and reasons of suppressed segments and keeps their names', () => {
    const out = suppressSegmentRows([row('Tiny', 3), row('Big', 50), row('Mid', 20)], 10);
    expect(out.map((r) => [r.segment, r.customers, r.suppressed, r.suppression])).toEqual([
      ['Tiny', null, true, 'small'],
      ['Big', 50, false, undefined],
      ['Mid', null, true, 'complementary'],
    ]);
    const tiny = out[0]!;
    expect(Object.keys(tiny.kpis)).toEqual(['customers', 'aov']);
    for (const c of Object.values(tiny.kpis)) {
      expect(c).toMatchObject({
        value: null,
        ci_low: null,
        ci_high: null,
        ci_method: null,
        available: false,
      });
      expect(c.reason).toMatch(/^suppressed: fewer than 10 customers/);
    }
    expect(out[2]!.kpis['aov']?.reason).toMatch(/smaller segment/);
    expect(tiny.flags).toEqual([]);
    // Nothing of the stored row survives in the suppressed one.
    expect(JSON.stringify(tiny)).not.toMatch(/42\.5|n = 3|"over"/);
    expect(out[1]).toEqual({ ...row('Big', 50), suppressed: false });
  });

  it('takes its threshold from privacy.min_segment_size, 10 by default', () => {
    expect(minSegmentSizeOf(undefined)).toBe(10);
    expect(minSegmentSizeOf({})).toBe(10);
    expect(minSegmentSizeOf({ privacy: { min_segment_size: 25 } })).toBe(25);
  });
});
