/**
 * The CDNOW 2,357-customer sample (Fader, Hardie & Lee 2005), as committed with the example
 * (examples/cdnow/data, a copy of ../shared/datasets/cdnow, so the tests need nothing beside the
 * repository): the calibration summary (x, t_x, T in weeks, mean repeat spend) and holdout
 * repeat-transaction counts computed from the raw transactions (weeks 40–78, 1997-10-01..1998-06-30,
 * same-day purchases merged, as in REFERENCE_RESULTS.md).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const CDNOW_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../examples/cdnow/data',
);

function readGzLines(file: string): string[][] {
  const text = gunzipSync(readFileSync(path.join(CDNOW_DIR, file))).toString('utf8');
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','));
}

/** One row per customer, in id order 1..2357. */
export interface CdnowCustomers {
  id: Int32Array;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  zbar: Float64Array;
  /** Repeat transactions (distinct purchase days) in the 39-week holdout. */
  holdout: Float64Array;
}

/** Loads the calibration summary and the holdout counts. */
export function loadCdnow(): CdnowCustomers {
  const rows = readGzLines('original_cdnow_customers_summary_with_transactions.csv.gz');
  const n = rows.length;
  const c: CdnowCustomers = {
    id: new Int32Array(n),
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    zbar: new Float64Array(n),
    holdout: new Float64Array(n),
  };
  const index = new Map<number, number>();
  rows.forEach((r, i) => {
    c.id[i] = Number(r[0]);
    c.x[i] = Number(r[1]);
    c.tx[i] = Number(r[2]);
    c.T[i] = Number(r[3]);
    c.zbar[i] = Number(r[4]);
    index.set(c.id[i], i);
  });
  const days = new Set<string>();
  for (const r of readGzLines('cdnow_sample.csv.gz')) {
    const date = r[2]!;
    if (date < '1997-10-01' || date > '1998-06-30') continue;
    const key = `${r[1]}|${date}`;
    if (days.has(key)) continue;
    days.add(key);
    const i = index.get(Number(r[1]));
    if (i === undefined) throw new Error(`transaction for unknown customer ${r[1]}`);
    c.holdout[i]!++;
  }
  return c;
}
