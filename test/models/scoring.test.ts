/**
 * Vectorised scorers against the per-customer functions, the Euler-transformed BG/NBD expectation
 * against FHL eq. (10) evaluated literally with the general ₂F₁, and invariants (P(alive) in [0, 1],
 * expectations non-negative and increasing in the horizon).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BgNbdParams } from '../../src/models/bgnbd.js';
import {
  bgnbdConditionalExpected,
  bgnbdExpectedIfAlive,
  bgnbdPAlive,
  scoreBgNbd,
} from '../../src/models/bgnbd-score.js';
import { hyp2f1 } from '../../src/models/math/hyp2f1.js';
import {
  paretoNbdConditionalExpected,
  paretoNbdExpectedTransactions,
  scoreParetoNbd,
} from '../../src/models/pareto-nbd-score.js';
import { expectRel } from './expect-close.js';
import { simulateBgNbd } from './simulate.js';

/** FHL eq. (10) exactly as printed, with the general hypergeometric function. */
function eq10(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const lead = (a + b + x - 1) / (a - 1);
  const f = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const num = lead * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * f);
  const den = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
  return num / den;
}

const P: BgNbdParams = { r: 0.2426, alpha: 4.4137, a: 0.793, b: 2.4262 };

describe('BG/NBD scoring', () => {
  it('the Euler-transformed series equals eq. (10) evaluated literally', () => {
    for (const [x, tx, T, t] of [
      [0, 0, 38, 52],
      [2, 30.43, 38.86, 39],
      [26, 30.857, 31, 52],
      [5, 3, 70, 200],
      [1, 0.5, 0.5, 10],
    ] as const) {
      expectRel(
        bgnbdConditionalExpected(P, t, x, tx, T),
        eq10(P, t, x, tx, T),
        1e-10,
        `x=${x} tx=${tx} T=${T} t=${t}`,
      );
    }
  });

  it('has no 0/0 at a = 1 (continuous across it)', () => {
    const at = (a: number): number => bgnbdExpectedIfAlive({ ...P, a }, 3, 30, 52);
    expectRel(at(1), 0.5 * (at(1 + 1e-6) + at(1 - 1e-6)), 1e-8, 'a = 1');
  });

  it('scoreBgNbd equals the per-customer functions', () => {
    const d = simulateBgNbd(P, 2000, 3);
    const horizons = [0, 4, 52];
    const out = scoreBgNbd(P, d.x, d.tx, d.T, horizons);
    for (let i = 0; i < 2000; i += 37) {
      expect(out.pAlive[i]).toBe(bgnbdPAlive(P, d.x[i]!, d.tx[i]!, d.T[i]!));
      horizons.forEach((t, h) =>
        expect(out.expected[h]![i]).toBeCloseTo(
          bgnbdConditionalExpected(P, t, d.x[i]!, d.tx[i]!, d.T[i]!),
          12,
        ),
      );
    }
  });

  it('P(alive) in [0, 1]; expectations non-negative and non-decreasing in t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (x, frac, T) => {
          const tx = x > 0 ? frac * T : 0;
          const pa = bgnbdPAlive(P, x, tx, T);
          const { expected } = scoreBgNbd(P, [x], [tx], [T], [1, 10, 100]);
          const e = expected.map((a) => a[0]!);
          return pa >= 0 && pa <= 1 && e[0]! >= 0 && e[0]! <= e[1]! && e[1]! <= e[2]!;
        },
      ),
    );
  });
});

describe('Pareto/NBD scoring', () => {
  const Q = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

  it('scoreParetoNbd equals the per-customer functions and handles s = 1', () => {
    const d = simulateBgNbd(P, 500, 4);
    const out = scoreParetoNbd(Q, d.x, d.tx, d.T, [13, 52]);
    for (let i = 0; i < 500; i += 23) {
      expectRel(
        out.expected[1]![i]!,
        paretoNbdConditionalExpected(Q, 52, d.x[i]!, d.tx[i]!, d.T[i]!),
        1e-12,
        `row ${i}`,
      );
    }
    const one = paretoNbdExpectedTransactions({ ...Q, s: 1 }, 52);
    expectRel(
      one,
      0.5 *
        (paretoNbdExpectedTransactions({ ...Q, s: 1 + 1e-7 }, 52) +
          paretoNbdExpectedTransactions({ ...Q, s: 1 - 1e-7 }, 52)),
      1e-9,
      's = 1',
    );
  });

  it('P(alive) in [0, 1] for frequent and infrequent buyers alike', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 300, noNaN: true }),
        (x, frac, T) => {
          const tx = x > 0 ? frac * T : 0;
          const pa = scoreParetoNbd(Q, [x], [tx], [T], []).pAlive[0]!;
          return pa >= 0 && pa <= 1;
        },
      ),
    );
  });
});
