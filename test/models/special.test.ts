import { describe, expect, it } from 'vitest';
import { hyp2f1, hyp2f1UnitA } from '../../src/models/math/hyp2f1.js';
import { shiftTable } from '../../src/models/math/shift-table.js';
import { digamma, gammaSigned, lgamma, logBeta } from '../../src/models/math/special.js';
import { expectAbs, expectRel } from './expect-close.js';

const EULER_GAMMA = 0.5772156649015329;

describe('lgamma', () => {
  it('matches closed forms and factorials', () => {
    expectAbs(lgamma(1), 0, 1e-14, 'lnΓ(1)');
    expectAbs(lgamma(2), 0, 1e-14, 'lnΓ(2)');
    expectRel(lgamma(0.5), 0.5 * Math.log(Math.PI), 1e-15, 'lnΓ(1/2)');
    expectRel(lgamma(10), Math.log(362880), 1e-15, 'lnΓ(10)');
    expectRel(lgamma(100), 359.1342053695754, 1e-15, 'lnΓ(100)');
    // Near the zeros at 1 and 2 the error is absolute (a few 1e-15), not relative.
    expectAbs(lgamma(1.5), Math.log(Math.sqrt(Math.PI) / 2), 1e-14, 'lnΓ(3/2)');
  });

  it('is accurate for tiny and huge arguments', () => {
    // Γ(x) ≈ 1/x − γ for small x.
    expectRel(lgamma(1e-8), -Math.log(1e-8) - EULER_GAMMA * 1e-8, 1e-15, 'lnΓ(1e-8)');
    const x = 1e10;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
    expectRel(lgamma(x), stirling, 1e-15, 'lnΓ(1e10)');
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-1)).toBeNaN();
  });

  it('satisfies lnΓ(x+1) = lnΓ(x) + ln x across scales', () => {
    for (const x of [0.01, 0.3, 0.99, 3.7, 14.5, 15.2, 123.4, 1e5]) {
      expectAbs(lgamma(x + 1), lgamma(x) + Math.log(x), 2e-14 * Math.max(1, Math.abs(lgamma(x))), `x=${x}`);
    }
  });
});

describe('digamma', () => {
  it('matches closed forms', () => {
    expectRel(digamma(1), -EULER_GAMMA, 1e-15, 'ψ(1)');
    expectRel(digamma(0.5), -EULER_GAMMA - 2 * Math.LN2, 1e-15, 'ψ(1/2)');
    expectRel(digamma(10), 2.251752589066721, 1e-15, 'ψ(10)');
  });

  it('satisfies ψ(x+1) = ψ(x) + 1/x and is the derivative of lnΓ', () => {
    for (const x of [0.05, 0.7, 2.5, 9.9, 40, 1e4]) {
      expectAbs(digamma(x + 1), digamma(x) + 1 / x, 1e-13 * Math.max(1, 1 / x), `recurrence x=${x}`);
      const h = 1e-5 * x;
      expectRel(digamma(x), (lgamma(x + h) - lgamma(x - h)) / (2 * h), 1e-6, `derivative x=${x}`);
    }
  });
});

describe('logBeta, gammaSigned, shiftTable', () => {
  it('logBeta(2, 3) = ln(1/12)', () => expectRel(logBeta(2, 3), Math.log(1 / 12), 1e-14, 'lnB(2,3)'));

  it('gammaSigned handles negative arguments and poles', () => {
    const g = gammaSigned(-0.5); // Γ(−1/2) = −2√π
    expect(g.sign).toBe(-1);
    expectRel(Math.exp(g.logAbs), 2 * Math.sqrt(Math.PI), 1e-14, '|Γ(−1/2)|');
    expect(gammaSigned(-1.5).sign).toBe(1);
    expect(gammaSigned(-3).sign).toBe(0);
  });

  it('shiftTable agrees with direct evaluation, also past the re-anchoring points', () => {
    const t = shiftTable(0.37, 1000);
    for (const k of [0, 1, 7, 255, 256, 257, 999, 1000]) {
      expectAbs(t.lgamma[k]!, lgamma(0.37 + k) - lgamma(0.37), 1e-11, `lnΓ shift k=${k}`);
      expectAbs(t.digamma[k]!, digamma(0.37 + k) - digamma(0.37), 1e-12, `ψ shift k=${k}`);
    }
  });
});

describe('hyp2f1', () => {
  it('2F1(1,1;2;z) = −ln(1−z)/z, including z near 1 (A&S 15.3.6 branch)', () => {
    for (const z of [0.001, 0.3, 0.5, 0.85, 0.9, 0.95, 0.99, 0.999]) {
      expectRel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z, 1e-12, `z=${z}`);
    }
  });

  it('2F1(a,b;b;z) = (1−z)^−a (Euler branch, and 15.3.6 near 1)', () => {
    for (const [a, b, z] of [
      [0.7, 2.3, 0.4],
      [3.2, 1.5, 0.8],
      [0.25, 0.6, 0.97],
      [-1.5, 2, 0.6],
    ] as const) {
      expectRel(hyp2f1(a, b, b, z), Math.pow(1 - z, -a), 1e-12, `a=${a}, b=${b}, z=${z}`);
    }
  });

  it('arcsin and arctan forms, negative z via Pfaff (A&S 15.3.4)', () => {
    for (const x of [0.2, 0.7, 0.97]) {
      expectRel(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x, 1e-12, `arcsin x=${x}`);
    }
    for (const x of [0.3, 1, 3, 20]) {
      expectRel(hyp2f1(0.5, 1, 1.5, -x * x), Math.atan(x) / x, 1e-12, `arctan x=${x}`);
    }
  });

  it('Gauss at z = 1, polynomials, and c − a − b near an integer', () => {
    // F(a,b;c;1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)); with a=1, b=1, c=3: Γ(3)Γ(1)/(Γ(2)Γ(2)) = 2.
    expectRel(hyp2f1(1, 1, 3, 1), 2, 1e-13, 'F(1,1;3;1)');
    // F(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
    const b = 1.7;
    const c = 2.9;
    const z = 0.93;
    expectRel(
      hyp2f1(-2, b, c, z),
      1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)),
      1e-13,
      'polynomial',
    );
    // c − a − b = 1 exactly at z = 0.95: the series branch with a large term budget.
    expectRel(
      hyp2f1(1, 1, 3, 0.95),
      (2 / 0.95) * (1 + ((1 - 0.95) / 0.95) * Math.log1p(-0.95)),
      1e-12,
      'F(1,1;3;z)',
    );
  });

  it('rejects poles and z > 1', () => {
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(RangeError);
  });

  it('hyp2f1UnitA agrees with hyp2f1 and with finite differences of itself', () => {
    const out = { value: 0, dB: 0, dC: 0, dZ: 0 };
    const val = (b: number, c: number, z: number): number => hyp2f1UnitA(b, c, z, { ...out }).value;
    for (const [b, c, z] of [
      [0.6, 2.8, 0.1],
      [12.5, 14.1, 0.6],
      [1.6, 30.2, 0.95],
    ] as const) {
      hyp2f1UnitA(b, c, z, out);
      expectRel(out.value, hyp2f1(1, b, c, z), 1e-13, `G(${b}, ${c}, ${z})`);
      const h = 1e-6;
      expectRel(out.dB, (val(b + h, c, z) - val(b - h, c, z)) / (2 * h), 1e-6, 'dG/db');
      expectRel(out.dC, (val(b, c + h, z) - val(b, c - h, z)) / (2 * h), 1e-6, 'dG/dc');
      expectRel(out.dZ, (val(b, c, z + h * z) - val(b, c, z - h * z)) / (2 * h * z), 1e-6, 'dG/dz');
    }
  });
});
