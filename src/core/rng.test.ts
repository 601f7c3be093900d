import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

const N = 200_000;

/** Sample mean and variance of `n` draws. */
function moments(draw: () => number, n = N): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

/** Relative difference, printed with its inputs on failure. */
function expectClose(actual: number, expected: number, relTol: number, label: string): void {
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  expect(rel, `${label}: actual ${actual}, expected ${expected}, tolerance ${relTol}`).toBeLessThan(relTol);
}

describe('Rng', () => {
  it('is deterministic for a seed and differs between seeds and streams', () => {
    const seq = (seed: number, stream = 0) => {
      const r = new Rng(seed, stream);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
    expect(seq(42)).not.toEqual(seq(42, 1));
    expect(seq(0)).not.toEqual(seq(2 ** 32)); // the high word of the seed counts
    expect(seq(-1)).not.toEqual(seq(1));
  });

  it('matches the xoshiro128** reference output for a known state', () => {
    // Reference: Vigna's xoshiro128starstar.c (prng.di.unimi.it), compiled with gcc and started
    // from the state {1, 2, 3, 4}, prints these six outputs.
    const r = new Rng(0);
    const state = r as unknown as { s0: number; s1: number; s2: number; s3: number };
    state.s0 = 1;
    state.s1 = 2;
    state.s2 = 3;
    state.s3 = 4;
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
  });

  it('draws uniforms strictly inside (0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Rng(7);
    let min = 1;
    let max = 0;
    const m = moments(() => {
      const u = r.uniform();
      if (u < min) min = u;
      if (u > max) max = u;
      return u;
    });
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    expectClose(m.mean, 0.5, 0.01, 'uniform mean');
    expectClose(m.variance, 1 / 12, 0.01, 'uniform variance');
  });

  it('draws standard normals', () => {
    const r = new Rng(11);
    const m = moments(() => r.normal());
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expectClose(m.variance, 1, 0.01, 'normal variance');
  });

  it.each([
    [0.3, 2],
    [1, 1],
    [2.5, 0.5],
    [9, 30],
  ])('draws gamma(shape %d, rate %d) with mean shape/rate and variance shape/rate²', (shape, rate) => {
    const r = new Rng(3);
    const m = moments(() => r.gamma(shape, rate));
    expectClose(m.mean, shape / rate, 0.015, `gamma(${shape}, ${rate}) mean`);
    expectClose(m.variance, shape / (rate * rate), 0.04, `gamma(${shape}, ${rate}) variance`);
  });

  it.each([
    [0.5, 0.5],
    [2, 5],
    [3, 40],
  ])('draws beta(%d, %d) with the right mean and variance', (a, b) => {
    const r = new Rng(5);
    const m = moments(() => r.beta(a, b));
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expectClose(m.mean, mean, 0.015, `beta(${a}, ${b}) mean`);
    expectClose(m.variance, variance, 0.03, `beta(${a}, ${b}) variance`);
  });

  it.each([0.2, 3, 9.99, 10, 47.5, 1000])(
    'draws poisson(%d) with mean = variance = the parameter',
    (mean) => {
      const r = new Rng(9);
      let nonInteger = 0;
      const m = moments(() => {
        const k = r.poisson(mean);
        if (!Number.isInteger(k) || k < 0) nonInteger++;
        return k;
      });
      expect(nonInteger).toBe(0);
      expectClose(m.mean, mean, 0.015, `poisson(${mean}) mean`);
      expectClose(m.variance, mean, 0.03, `poisson(${mean}) variance`);
    },
  );

  it('draws poisson probabilities that match the pmf at a PTRS-sized mean', () => {
    const r = new Rng(13);
    const mean = 20;
    const counts = new Float64Array(60);
    for (let i = 0; i < N; i++) counts[Math.min(59, r.poisson(mean))]! += 1;
    let logP = -mean; // ln P(0)
    for (let k = 0; k < 40; k++) {
      if (k > 0) logP += Math.log(mean / k);
      const p = Math.exp(logP);
      // Within 5 binomial standard errors (plus a floor for the tails).
      expect(Math.abs(counts[k]! / N - p), `P(${k})`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N) + 1e-4);
    }
  });

  it('draws exponentials with mean 1/rate', () => {
    const r = new Rng(17);
    const m = moments(() => r.exponential(0.25));
    expectClose(m.mean, 4, 0.015, 'exponential mean');
    expectClose(m.variance, 16, 0.04, 'exponential variance');
  });

  it('draws integers uniformly in [0, n) and picks by weight', () => {
    const r = new Rng(19);
    const ints = new Float64Array(7);
    for (let i = 0; i < 70_000; i++) ints[r.int(7)]! += 1;
    for (const c of ints) expectClose(c, 10_000, 0.05, 'int(7) bucket');
    const picks = new Float64Array(3);
    for (let i = 0; i < 60_000; i++) picks[r.pick([1, 0, 2])]! += 1;
    expect(picks[1]).toBe(0);
    expectClose(picks[0]!, 20_000, 0.03, 'pick weight 1');
    expectClose(picks[2]!, 40_000, 0.03, 'pick weight 2');
  });

  it('shuffles into a permutation', () => {
    const r = new Rng(23);
    const a = r.shuffle(Array.from({ length: 100 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rejects invalid parameters', () => {
    const r = new Rng(1);
    expect(() => r.gamma(0, 1)).toThrow(RangeError);
    expect(() => r.gamma(1, -1)).toThrow(RangeError);
    expect(() => r.poisson(-1)).toThrow(RangeError);
    expect(() => r.pick([0, 0])).toThrow(RangeError);
    expect(() => new Rng(Number.NaN)).toThrow(RangeError);
  });
});
