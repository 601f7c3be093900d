/**
 * A small, fast, seeded pseudo-random number generator and the distributions segtrack needs
 * (data generation, k-means initialisation, bootstraps). Pure: no I/O, no clock, no global state;
 * the same seed always gives the same sequence on every platform, because it uses only 32-bit
 * integer arithmetic (`Math.imul`, shifts) and IEEE doubles.
 *
 * Core generator: xoshiro128** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021), state seeded with splitmix32 so that any seed, including 0,
 * gives a well-mixed non-zero state.
 */

const TWO_POW_32 = 4294967296;

/** One step of splitmix32 (a 32-bit variant of Steele, Lea & Flood's SplitMix): returns [next state, output]. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [s, z >>> 0];
}

/**
 * A seeded random number generator (xoshiro128**).
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();          // in (0, 1)
 * rng.gamma(2, 0.5);      // shape 2, rate 0.5 (mean 4)
 * const orders = new Rng(42, 1); // an independent stream for another purpose, same seed
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The second normal deviate of the last polar-method pair, or NaN when none is pending. */
  private spare = Number.NaN;

  /**
   * @param seed any finite number; integers up to 2^53 in magnitude are distinguished exactly
   *   (the low and high 32 bits are both mixed in), fractions are truncated.
   * @param stream selects one of 2^32 independent sequences for the same seed, so separate uses
   *   (customers, orders, events…) do not shift each other's draws when one of them changes.
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const whole = Math.trunc(seed);
    const lo = (whole % TWO_POW_32) | 0;
    const hi = Math.floor(whole / TWO_POW_32) | 0;
    // Mix the high word and the stream into the splitmix state before drawing the four words.
    const [mixed, out] = splitmix32(lo ^ Math.imul(hi, 0x85ebca6b));
    let st = (mixed ^ out ^ Math.imul(stream | 0, 0xc2b2ae35)) | 0;
    [st, this.s0] = splitmix32(st);
    [st, this.s1] = splitmix32(st);
    [st, this.s2] = splitmix32(st);
    [, this.s3] = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next raw 32-bit output, as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    // xoshiro128**: result = rotl(s1 * 5, 7) * 9
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    n2 ^= t;
    n3 = (n3 << 11) | (n3 >>> 21);
    this.s2 = n2;
    this.s3 = n3;
    return result;
  }

  /**
   * A uniform deviate in the open interval (0, 1), with 32 bits of resolution: never exactly 0
   * or 1, so `Math.log(u)` and `1 / u` are always finite.
   */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** A standard normal deviate (Marsaglia's polar method; the second deviate of each pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** An exponential deviate with the given rate (mean 1/rate), by inversion. */
  exponential(rate: number): number {
    return -Math.log(this.uniform()) / rate;
  }

  /**
   * A gamma deviate with the given shape and **rate** (mean shape/rate, variance shape/rate²).
   *
   * Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3),
   * 363–372: for shape ≥ 1, d = shape − 1/3, c = 1/√(9d); draw x ~ N(0,1), v = (1 + cx)³, accept
   * d·v when ln U < x²/2 + d − d·v + d·ln v (with the squeeze U < 1 − 0.0331x⁴ first). For
   * shape < 1 their §6 boost: Gamma(shape) = Gamma(shape + 1) · U^(1/shape).
   */
  gamma(shape: number, rate = 1): number {
    if (!(shape > 0) || !(rate > 0))
      throw new RangeError(`gamma needs shape > 0 and rate > 0, got ${shape}, ${rate}`);
    let boost = 1;
    let k = shape;
    if (k < 1) {
      boost = Math.pow(this.uniform(), 1 / k);
      k += 1;
    }
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        return (boost * d * v) / rate;
      }
    }
  }

  /** A beta deviate: X / (X + Y) with X ~ Gamma(a, 1), Y ~ Gamma(b, 1) (mean a / (a + b)). */
  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    const y = this.gamma(b, 1);
    return x / (x + y);
  }

  /**
   * A Poisson deviate with the given mean. Inversion by sequential search for mean < 10 (exact and
   * fast for small means); above that Hörmann's PTRS transformed rejection (Hörmann 1993, "The
   * transformed rejection method for generating Poisson random variables", Insurance: Mathematics
   * and Economics 12(1), 39–45), whose cost does not grow with the mean.
   */
  poisson(mean: number): number {
    if (!(mean >= 0)) throw new RangeError(`poisson needs mean >= 0, got ${mean}`);
    if (mean === 0) return 0;
    if (mean < 10) {
      let k = 0;
      let p = Math.exp(-mean);
      let cdf = p;
      const u = this.uniform();
      while (u > cdf) {
        k++;
        p *= mean / k;
        cdf += p;
        if (p < 1e-300 && cdf >= 1 - 1e-15) break; // rounding guard in the far tail
      }
      return k;
    }
    // PTRS, Hörmann (1993), table 1.
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -mean + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  /** A uniform integer in [0, n) for 1 ≤ n ≤ 2^32 (bias below 2^-32 · n, negligible for segtrack's uses). */
  int(n: number): number {
    return Math.floor((this.nextUint32() / TWO_POW_32) * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /**
   * An index drawn with probability proportional to `weights[i]` (non-negative, not all zero).
   * Linear in the number of weights: meant for short lists (a handful of categories).
   */
  pick(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let x = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    // Rounding can leave x at ~0 after the loop: return the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    throw new RangeError('pick needs at least one positive weight');
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

const LOG_FACTORIAL_TABLE: number[] = (() => {
  const t = [0];
  for (let k = 1; k < 256; k++) t.push(t[k - 1]! + Math.log(k));
  return t;
})();

/** ln(k!) from a table for small k, Stirling's series beyond. */
function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k]!;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}
