/**
 * A static k-d tree for exact nearest-neighbour queries in a few dimensions (Bentley 1975,
 * "Multidimensional binary search trees used for associative searching", CACM 18(9); Friedman,
 * Bentley & Finkel 1977, ACM TOMS 3(3)). Pure; points are rows of a row-major Float64Array.
 *
 * Built in place over an index permutation: the node of range [lo, hi) is its median element
 * `mid`, split on the dimension of widest spread, with [lo, mid) on the low side and
 * [mid + 1, hi) on the high side; ranges of at most {@link LEAF} points are scanned.
 */

const LEAF = 8;

export class KdTree {
  private readonly order: Int32Array;
  private readonly splitDim: Int8Array;
  private bestIndex = -1;
  private bestDistance = Infinity;
  private query: Float64Array = new Float64Array(0);

  /**
   * @param points n × dims values, row-major (point i is points[i·dims … i·dims + dims − 1]).
   * @param dims dimensions (1 to 127).
   */
  constructor(
    private readonly points: Float64Array,
    private readonly dims: number,
  ) {
    if (!Number.isInteger(dims) || dims < 1 || dims > 127)
      throw new RangeError(`dims must be 1–127, not ${dims}`);
    const n = Math.floor(points.length / dims);
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    this.splitDim = new Int8Array(n);
    // Explicit stack instead of recursion: a degenerate range cannot overflow the call stack.
    const stack: number[] = [0, n];
    while (stack.length > 0) {
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      if (hi - lo <= LEAF) continue;
      const dim = this.widest(lo, hi);
      const mid = (lo + hi) >> 1;
      this.select(lo, hi, mid, dim);
      this.splitDim[mid] = dim;
      stack.push(lo, mid, mid + 1, hi);
    }
  }

  /** Number of points. */
  get size(): number {
    return this.order.length;
  }

  /**
   * The index of the point nearest to `q` (squared Euclidean distance; among equally near points,
   * the first one the search meets), and that squared distance. -1 for an empty tree.
   */
  nearest(q: Float64Array): { index: number; distance: number } {
    this.bestIndex = -1;
    this.bestDistance = Infinity;
    this.query = q;
    if (this.order.length > 0) this.search(0, this.order.length);
    return { index: this.bestIndex, distance: this.bestDistance };
  }

  private search(lo: number, hi: number): void {
    if (hi - lo <= LEAF) {
      for (let j = lo; j < hi; j++) this.consider(this.order[j]!);
      return;
    }
    const mid = (lo + hi) >> 1;
    const p = this.order[mid]!;
    this.consider(p);
    const dim = this.splitDim[mid]!;
    const diff = this.query[dim]! - this.points[p * this.dims + dim]!;
    if (diff < 0) {
      this.search(lo, mid);
      if (diff * diff < this.bestDistance) this.search(mid + 1, hi);
    } else {
      this.search(mid + 1, hi);
      if (diff * diff < this.bestDistance) this.search(lo, mid);
    }
  }

  private consider(p: number): void {
    let d = 0;
    const base = p * this.dims;
    for (let j = 0; j < this.dims; j++) {
      const e = this.query[j]! - this.points[base + j]!;
      d += e * e;
      if (d >= this.bestDistance) return;
    }
    this.bestDistance = d;
    this.bestIndex = p;
  }

  private value(orderPos: number, dim: number): number {
    return this.points[this.order[orderPos]! * this.dims + dim]!;
  }

  private widest(lo: number, hi: number): number {
    let best = 0;
    let bestSpread = -1;
    for (let d = 0; d < this.dims; d++) {
      let min = Infinity;
      let max = -Infinity;
      for (let j = lo; j < hi; j++) {
        const v = this.value(j, d);
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > bestSpread) {
        bestSpread = max - min;
        best = d;
      }
    }
    return best;
  }

  /** Hoare's quickselect: puts the element of rank k (by `dim`) at position k of [lo, hi). */
  private select(lo: number, hi: number, k: number, dim: number): void {
    const o = this.order;
    let l = lo;
    let r = hi - 1;
    while (r > l) {
      const pivot = this.value((l + r) >> 1, dim);
      let i = l;
      let j = r;
      while (i <= j) {
        while (this.value(i, dim) < pivot) i++;
        while (this.value(j, dim) > pivot) j--;
        if (i <= j) {
          const tmp = o[i]!;
          o[i] = o[j]!;
          o[j] = tmp;
          i++;
          j--;
        }
      }
      if (k <= j) r = j;
      else if (k >= i) l = i;
      else return;
    }
  }
}
