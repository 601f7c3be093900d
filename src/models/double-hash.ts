/**
 * Hashing tuples of doubles for the open-addressing tables that merge identical customer rows
 * without building a string key per row. The hash only spreads keys over slots: equality is
 * always checked on the values, so a collision costs a probe, never a wrong merge.
 */

/** The seed to start a hash with. */
export const HASH_SEED = 0x2545f491;

/**
 * Mixes `v` into the 32-bit hash `h`. Uses v·2²⁰ truncated to 32 bits (ToInt32 wraps modulo
 * 2³²), so values differing by less than 2⁻²⁰ share a hash and are told apart by the equality
 * check. Arithmetic only: much faster than reading the double's bits through a typed-array view.
 * Finish with {@link finishHash} before masking.
 */
export function mixDouble(h: number, v: number): number {
  h = Math.imul(h ^ ((v * 1048576) | 0), 0xcc9e2d51);
  return (h << 15) | (h >>> 17);
}

/** MurmurHash3's fmix32 finaliser: every input bit reaches the low bits used as the slot. */
export function finishHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** An open-addressing table of row indices (−1 = free) that grows to keep its load below ½. */
export class RowTable {
  slots: Int32Array;
  mask: number;
  private used = 0;

  constructor(expected = 1024) {
    let size = 16;
    while (size < 2 * expected) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** Records that one more slot was filled; rehashes with `hashOf(row)` when over half full. */
  added(hashOf: (row: number) => number): void {
    this.used++;
    if (2 * this.used <= this.slots.length) return;
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (const row of old) {
      if (row < 0) continue;
      let slot = hashOf(row) & this.mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = row;
    }
  }
}
