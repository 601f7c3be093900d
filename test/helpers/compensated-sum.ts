/**
 * Sums floating-point numbers with Neumaier's compensation (Neumaier 1974, an improved Kahan
 * summation), so a reference total over hundreds of thousands of amounts is exact to the cent.
 */
export class Sum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}
