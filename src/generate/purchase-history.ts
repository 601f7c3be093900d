/**
 * The purchases of the customer being simulated, kept in growable typed arrays that are reused
 * from one customer to the next (events and feedback are placed around these purchases).
 */
export class PurchaseHistory {
  /** Number of purchases (completed orders of the buy-till-you-die process). */
  count = 0;
  /** Purchase moments, seconds since 1970-01-01 UTC (fractional). */
  times = new Float64Array(256);
  /** Index into ORDER_CHANNELS of each purchase. */
  channels = new Uint8Array(256);
  /** When the customer became inactive (the moment of the purchase after which they dropped out); +∞ while alive. */
  dropoutAt = Number.POSITIVE_INFINITY;

  /** Forgets the previous customer. */
  reset(): void {
    this.count = 0;
    this.dropoutAt = Number.POSITIVE_INFINITY;
  }

  /** Records a purchase. */
  push(time: number, channel: number): void {
    if (this.count === this.times.length) {
      const times = new Float64Array(this.count * 2);
      times.set(this.times);
      this.times = times;
      const channels = new Uint8Array(this.count * 2);
      channels.set(this.channels);
      this.channels = channels;
    }
    this.times[this.count] = time;
    this.channels[this.count] = channel;
    this.count++;
  }
}
