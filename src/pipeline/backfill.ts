import type { Config } from '../config/types.js';
import { userError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { Engine } from '../engine/engine.js';
import { runPipeline, type RunResult } from './run.js';

const DAY = 86_400_000;

function iso(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The as-of dates of a backfill: for `month`, the last day of every month from `from` to `to`;
 * for `week`, every seventh day from `from`. `to` itself always closes the list, so the latest
 * snapshot is as of the end of the range.
 */
export function backfillDates(from: string, to: string, every: 'month' | 'week'): string[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!(start <= end)) throw userError('bad_flag', `--from ${from} is after --to ${to}`);
  const dates: string[] = [];
  if (every === 'week') for (let t = start; t <= end; t += 7 * DAY) dates.push(iso(t));
  else {
    const s = new Date(start);
    for (let y = s.getUTCFullYear(), m = s.getUTCMonth(); ; m++) {
      const monthEnd = Date.UTC(y, m + 1, 0);
      if (monthEnd > end) break;
      if (monthEnd >= start) dates.push(iso(monthEnd));
    }
  }
  if (dates[dates.length - 1] !== to) dates.push(to);
  if (dates.length > 520)
    throw userError('bad_flag', `a backfill of ${dates.length} snapshots is more than 520`, {
      hint: 'use --every month, or a shorter range',
    });
  return dates;
}

/** Builds past snapshots from historical data, oldest first (CONTRACT.md, `segtrack backfill`). */
export async function backfill(
  engine: Engine,
  config: Config,
  o: { from: string; to: string; every: 'month' | 'week'; progress?: Progress },
): Promise<{ snapshots: { snapshot_id: number; as_of: string }[]; runs: RunResult[] }> {
  const dates = backfillDates(o.from, o.to, o.every);
  const runs: RunResult[] = [];
  for (const [i, asOf] of dates.entries()) {
    o.progress?.(`snapshot ${i + 1} of ${dates.length}: as of ${asOf}`);
    runs.push(await runPipeline(engine, config, { asOf }));
  }
  return { snapshots: runs.map((r) => ({ snapshot_id: r.snapshot_id, as_of: r.as_of })), runs };
}
