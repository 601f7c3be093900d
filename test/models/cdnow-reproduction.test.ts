/**
 * Reproduces the published CDNOW results (examples/cdnow/data/REFERENCE_RESULTS.md): BG/NBD,
 * Pareto/NBD and Gamma-Gamma estimates, log-likelihoods, point predictions and the BG/NBD holdout
 * table by calibration frequency.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { fitBgNbd, type BgNbdFit } from '../../src/models/bgnbd.js';
import {
  bgnbdConditionalExpected,
  bgnbdExpectedTransactions,
  bgnbdPAlive,
  scoreBgNbd,
} from '../../src/models/bgnbd-score.js';
import { fitGammaGamma, gammaGammaConditionalSpend } from '../../src/models/gamma-gamma.js';
import { fitParetoNbd, type ParetoNbdFit } from '../../src/models/pareto-nbd.js';
import {
  paretoNbdConditionalExpected,
  paretoNbdExpectedTransactions,
  paretoNbdPAlive,
} from '../../src/models/pareto-nbd-score.js';
import { collapseSpendSummary, collapseSummary } from '../../src/models/summary.js';
import { loadCdnow, type CdnowCustomers } from './cdnow-data.js';
import { expectAbs, expectRel } from './expect-close.js';

let data: CdnowCustomers;
let bg: BgNbdFit;
let pnbd: ParetoNbdFit;

beforeAll(() => {
  data = loadCdnow();
  const summary = collapseSummary(data.x, data.tx, data.T);
  bg = fitBgNbd(summary);
  pnbd = fitParetoNbd(summary);
});

describe('CDNOW data', () => {
  it('has the documented shape (2,357 customers, 946 repeat buyers, 2,457 calibration and 1,882 holdout repeats)', () => {
    expect(data.x.length).toBe(2357);
    expect(data.x.filter((v) => v > 0).length).toBe(946);
    expect(data.x.reduce((a, b) => a + b, 0)).toBe(2457);
    expect(data.holdout.reduce((a, b) => a + b, 0)).toBe(1882);
  });
});

describe('BG/NBD on CDNOW (Fader, Hardie & Lee 2005)', () => {
  it('reproduces the published estimates within 0.1 % and LL -9582.43 within 0.05', () => {
    const published = { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4262 };
    for (const [k, v] of Object.entries(published)) expectRel(bg.params[k]!, v, 1e-3, `BG/NBD ${k}`);
    expectAbs(bg.logLikelihood, -9582.43, 0.05, 'BG/NBD LL');
    expect(bg.converged).toBe(true);
    expect(bg.customers).toBe(2357);
    expect(bg.distinctRows).toBeLessThan(2357);
    expect(Object.keys(bg.stdErrors)).toEqual(['r', 'alpha', 'a', 'b']);
  });

  it('matches the unconditional E[X(t)] of the Hardie spreadsheet', () => {
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    ts.forEach((t, i) =>
      expectAbs(bgnbdExpectedTransactions(bg.params, t), expected[i]!, 6e-4, `E[X(${t})]`),
    );
  });

  it('matches the conditional expectation 1.226 and BTYD Expectation(52) = 1.444004', () => {
    expectAbs(
      bgnbdConditionalExpected(bg.params, 39, 2, 30.43, 38.86),
      1.226,
      6e-4,
      'E[Y(39)|2, 30.43, 38.86]',
    );
    expectRel(bgnbdExpectedTransactions(bg.params, 52), 1.444004, 1e-4, 'E[X(52)]');
  });

  it('matches customer 1516 (x=26, t_x=30.857, T=31): E[Y(52)] 25.75659, P(alive) 0.9688523', () => {
    expectRel(bgnbdConditionalExpected(bg.params, 52, 26, 30.857, 31), 25.75659, 1e-4, 'E[Y(52)] of 1516');
    expectRel(bgnbdPAlive(bg.params, 26, 30.857, 31), 0.9688523, 1e-5, 'P(alive) of 1516');
  });

  it('reproduces the holdout expectations by calibration frequency 0..7+ within 0.5 %', () => {
    const published = [0.2251, 0.5231, 1.0441, 1.5203, 2.1638, 2.6538, 3.504, 6.157];
    const actualPublished = [0.2367, 0.697, 1.3925, 1.56, 2.5323, 2.9474, 3.8621, 6.3594];
    const counts = [1411, 439, 214, 100, 62, 38, 29, 64];
    const { expected } = scoreBgNbd(bg.params, data.x, data.tx, data.T, [39]);
    const sumExp = new Float64Array(8);
    const sumAct = new Float64Array(8);
    const n = new Float64Array(8);
    for (let i = 0; i < data.x.length; i++) {
      const bin = Math.min(data.x[i]!, 7);
      sumExp[bin]! += expected[0]![i]!;
      sumAct[bin]! += data.holdout[i]!;
      n[bin]!++;
    }
    for (let k = 0; k < 8; k++) {
      expect(n[k], `customers with frequency ${k}`).toBe(counts[k]);
      expectAbs(sumAct[k]! / n[k]!, actualPublished[k]!, 6e-5, `actual holdout mean, frequency ${k}`);
      expectRel(sumExp[k]! / n[k]!, published[k]!, 5e-3, `expected holdout mean, frequency ${k}`);
    }
  });
});

describe('Pareto/NBD on CDNOW', () => {
  it('reproduces the published estimates within 0.5 % and LL -9594.98 within 0.05', () => {
    const published = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    for (const [k, v] of Object.entries(published)) expectRel(pnbd.params[k]!, v, 5e-3, `Pareto/NBD ${k}`);
    expectAbs(pnbd.logLikelihood, -9594.98, 0.05, 'Pareto/NBD LL');
    expect(pnbd.converged).toBe(true);
  });

  it('matches BTYD: Expectation(52) = 1.473434, customer 1516 E[Y(52)] 25.45647 and P(alive) 0.997874', () => {
    expectRel(paretoNbdExpectedTransactions(pnbd.params, 52), 1.473434, 1e-4, 'E[X(52)]');
    expectRel(
      paretoNbdConditionalExpected(pnbd.params, 52, 26, 30.857, 31),
      25.45647,
      1e-4,
      'E[Y(52)] of 1516',
    );
    expectRel(paretoNbdPAlive(pnbd.params, 26, 30.857, 31), 0.997874, 1e-5, 'P(alive) of 1516');
  });
});

describe('Gamma-Gamma on CDNOW (Fader & Hardie 2013)', () => {
  const fit = () => fitGammaGamma(collapseSpendSummary(data.x, data.zbar));

  it('reproduces p = 6.25, q = 3.74, gamma = 15.44', () => {
    const gg = fit();
    // The note prints two decimals, and q = 3.74 is itself only known to ±0.005 (0.13 %): check the
    // published values to their rounding, and lifetimes 0.11.3's re-run on the same data
    // (6.2488, 3.7446, 15.4477) to 0.1 %.
    expectAbs(gg.params.p, 6.25, 0.005, 'p (published)');
    expectAbs(gg.params.q, 3.74, 0.005, 'q (published)');
    expectAbs(gg.params.gamma, 15.44, 0.01, 'gamma (published; lifetimes prints 15.45)');
    expectRel(gg.params.p, 6.2488, 1e-3, 'p (lifetimes)');
    expectRel(gg.params.q, 3.7446, 1e-3, 'q (lifetimes)');
    expectRel(gg.params.gamma, 15.4477, 1e-3, 'gamma (lifetimes)');
    expectAbs(gg.logLikelihood, -4055.9177, 0.01, 'Gamma-Gamma LL (CLVTools)');
    expect(gg.customers).toBe(946);
    expect(gg.warnings).toEqual([]);
  });

  it('matches the conditional expected average profit of the first 10 customers (note 025)', () => {
    const gg = fit();
    const published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    published.forEach((v, i) =>
      expectAbs(
        gammaGammaConditionalSpend(gg.params, data.x[i]!, data.zbar[i]!),
        v,
        0.01,
        `customer ${i + 1}`,
      ),
    );
  });
});
