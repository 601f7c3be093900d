import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile, tCdf, tQuantile, twoSidedNormalP } from './distributions.js';

/** |a − b| ≤ rel·|b|, with the inputs in the message on failure. */
function expectRel(actual: number, expected: number, rel: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.abs(expected);
  expect(err, `${what}: got ${actual}, expected ${expected} (relative error ${err})`).toBeLessThanOrEqual(
    rel,
  );
}

describe('normal distribution', () => {
  // Standard normal quantiles as printed in published tables (e.g. Abramowitz & Stegun, Table
  // 26.5; NIST/SEMATECH e-Handbook §1.3.6.7.1), to the digits printed there.
  const QUANTILES: [number, number][] = [
    [0.975, 1.959964],
    [0.95, 1.644854],
    [0.995, 2.575829],
    [0.999, 3.090232],
    [0.9995, 3.290527],
    [0.9, 1.281552],
  ];
  it.each(QUANTILES)('Φ⁻¹(%f) matches the published table value %f', (p, z) => {
    expectRel(normalQuantile(p), z, 5e-7, `Φ⁻¹(${p})`);
    expectRel(normalQuantile(1 - p), -z, 5e-7, `Φ⁻¹(${1 - p})`);
  });

  it('gives z0.975 to full precision (1.959963984540054)', () => {
    expectRel(normalQuantile(0.975), 1.959963984540054, 1e-14, 'z0.975');
    expect(normalQuantile(0.5)).toBe(0);
  });

  // Φ(z) values from A&S Table 26.1 and the tail values of the same table (1 − Φ).
  it.each([
    [1.96, 0.9750021048517795],
    [-1, 0.15865525393145707],
    [-3, 0.0013498980316300946],
    [-5, 2.866515718791939e-7],
    [-8, 6.220960574271785e-16],
  ])('Φ(%f) = %f, accurate in the tail', (z, p) => {
    expectRel(normalCdf(z), p, 1e-12, `Φ(${z})`);
  });

  it('erfc matches reference values on both sides of the series/continued-fraction switch', () => {
    expectRel(erfc(0.5), 0.4795001221869535, 1e-14, 'erfc(0.5)');
    expectRel(erfc(1.999999), 0.004677755648073953, 1e-13, 'erfc(1.999999)');
    expectRel(erfc(2), 0.004677734981047266, 1e-14, 'erfc(2)');
    expectRel(erfc(4), 1.541725790028002e-8, 1e-13, 'erfc(4)');
    expect(erfc(-1)).toBeCloseTo(2 - 0.157299207050285, 14);
  });

  it('the quantile inverts the CDF (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const z = normalQuantile(p);
        const back = p < 0.5 ? normalCdf(z) : 1 - normalCdf(-z);
        return Math.abs(back - p) <= 1e-13 * Math.max(p, 1e-3) + 1e-16;
      }),
      { seed: 20240101, numRuns: 500 },
    );
  });

  it('two-sided p-values', () => {
    expectRel(twoSidedNormalP(1.959963984540054), 0.05, 1e-13, 'p(1.96)');
    expectRel(twoSidedNormalP(-2.575829303548901), 0.01, 1e-12, 'p(-2.58)');
    expect(twoSidedNormalP(0)).toBe(1);
  });
});

describe("Student's t distribution", () => {
  // Two-sided 95 % critical values t(0.975, ν) as printed (3 decimals) in the standard table
  // (e.g. NIST/SEMATECH e-Handbook §1.3.6.7.2; Fisher & Yates, Statistical Tables, Table III).
  const T975 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
    2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045,
  ];
  it('matches the published table t(0.975, ν) for ν = 1…29', () => {
    T975.forEach((t, i) => {
      const df = i + 1;
      expect(
        Math.abs(tQuantile(0.975, df) - t),
        `ν = ${df}: ${tQuantile(0.975, df)} vs ${t}`,
      ).toBeLessThanOrEqual(5e-4);
    });
  });

  it('matches more precise reference values', () => {
    // Values to 7 significant digits from the closed forms: ν = 1: tan(0.475π); ν = 2: 2(p − ½)·√(2 / (1 − (2p − 1)²)).
    expectRel(tQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-12, 't(0.975, 1)');
    expectRel(tQuantile(0.975, 2), 0.95 * Math.sqrt(2 / (1 - 0.95 ** 2)), 1e-12, 't(0.975, 2)');
    expectRel(tQuantile(0.995, 4), 4.604095, 2e-7, 't(0.995, 4)');
    expectRel(tQuantile(0.975, 10), 2.228139, 2e-7, 't(0.975, 10)');
  });

  it('has the closed-form CDF for ν = 1 (Cauchy) and ν = 2', () => {
    for (const t of [-7, -1.5, -0.2, 0, 0.3, 2, 40]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
    }
  });

  it('approaches the normal for large ν', () => {
    expect(Math.abs(tQuantile(0.975, 100000) - 1.959963984540054)).toBeLessThan(1e-4);
  });

  it('is symmetric and the quantile inverts the CDF (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        (p, df) => {
          const t = tQuantile(p, df);
          return Math.abs(tCdf(t, df) - p) < 1e-12 && Math.abs(tCdf(-t, df) - (1 - p)) < 1e-12;
        },
      ),
      { seed: 20240102, numRuns: 500 },
    );
  });
});
