/**
 * Large summaries are fitted in two stages (starts explored on a random subset of rows, the best
 * refined on every row). The result must be the full-data maximum: the same estimates as a plain
 * multi-start on all rows, which explicit starts force.
 */
import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '../../src/models/bgnbd.js';
import { fitGammaGamma } from '../../src/models/gamma-gamma.js';
import {
  collapseSpendSummary,
  collapseSummary,
  subsampleRows,
  WARM_START_ROWS,
} from '../../src/models/summary.js';
import { simulateBgNbd, simulateGammaGamma } from './simulate.js';

describe('two-stage fits of large summaries', () => {
  const d = simulateBgNbd({ r: 0.4, alpha: 6, a: 0.7, b: 3 }, 60_000, 11);
  const summary = collapseSummary(d.x, d.tx, d.T);

  it('subsets rows reproducibly, weights unchanged', () => {
    expect(summary.length).toBeGreaterThan(WARM_START_ROWS);
    const a = subsampleRows(summary)!;
    const b = subsampleRows(summary)!;
    expect(a.length).toBe(b.length);
    expect(Math.abs(a.length - WARM_START_ROWS) / WARM_START_ROWS).toBeLessThan(0.05);
    expect(Array.from(a.x.slice(0, 50))).toEqual(Array.from(b.x.slice(0, 50)));
    expect(subsampleRows({ weight: new Float64Array(3), length: 3 })).toBeUndefined();
  });

  it('BG/NBD: the same maximum as a multi-start on every row', () => {
    const twoStage = fitBgNbd(summary);
    const plain = fitBgNbd(summary, {
      starts: [
        { r: 1, alpha: 10, a: 1, b: 1 },
        { r: 0.3, alpha: 3, a: 0.5, b: 3 },
      ],
    });
    expect(twoStage.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'])
      expect(Math.abs(twoStage.params[k]! / plain.params[k]! - 1), k).toBeLessThan(1e-5);
    expect(twoStage.logLikelihood).toBeCloseTo(plain.logLikelihood, 4);
  });

  it('Gamma-Gamma: the same maximum as a multi-start on every row', () => {
    const g = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, 60_000, 12);
    const spend = collapseSpendSummary(g.x, g.mbar);
    expect(spend.length).toBeGreaterThan(WARM_START_ROWS);
    const twoStage = fitGammaGamma(spend);
    const plain = fitGammaGamma(spend, {
      starts: [
        { p: 1, q: 1, gamma: 1 },
        { p: 5, q: 3, gamma: 10 },
      ],
    });
    for (const k of ['p', 'q', 'gamma'])
      expect(Math.abs(twoStage.params[k]! / plain.params[k]! - 1), k).toBeLessThan(1e-5);
  });
});
