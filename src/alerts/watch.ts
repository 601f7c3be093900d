/**
 * The schedule of `segtrack watch`: run a cycle (re-read the config, ingest, run the pipeline,
 * which evaluates the alerts), log its outcome, wait, repeat; survive a failing cycle; stop when
 * asked. The cycle itself is given by the caller (src/cli/commands/alerts.ts), so this loop knows
 * nothing about engines or files.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** What a successful cycle reports. */
export interface CycleOutcome {
  /** One line for the log, e.g. `snapshot 4 as of 2024-05-31: 8 customers, 1 alert fired`. */
  summary: string;
  /** Figures for the JSON summary. */
  detail?: Record<string, unknown>;
}

/** One cycle as the JSON summary lists it. */
export interface WatchRun {
  run: number;
  started_at: string;
  duration_ms: number;
  ok: boolean;
  summary?: string;
  error?: string;
  [detail: string]: unknown;
}

/** What a watch did, when it stops. */
export interface WatchSummary {
  runs: number;
  succeeded: number;
  failed: number;
  /** Why it stopped. */
  stopped_by: 'max_runs' | 'signal';
  /** The most recent cycles (at most {@link KEPT_RUNS}), oldest first. */
  recent: WatchRun[];
}

/** How many cycles the summary keeps (a watch may run for months). */
export const KEPT_RUNS = 100;

/** Settings for {@link watchLoop}. */
export interface WatchOptions {
  everyMs: number;
  /** Stop after this many cycles (for tests and one-off use); default: until stopped. */
  maxRuns?: number;
  /** One cycle; a throw is a failed cycle, logged, and the watch goes on. */
  cycle: (run: number) => Promise<CycleOutcome>;
  /** Turns a cycle's error into log text (with the problem's place and hint). */
  describeError: (e: unknown) => string;
  /** Writes one log line (the caller adds nothing; lines carry their own time). */
  log: (line: string) => void;
  /** Aborted to stop: a running cycle finishes, a wait ends at once. */
  stop: AbortSignal;
  /** The clock in milliseconds (default Date.now). */
  now?: () => number;
}

/** The longest single timer (Node's timers hold at most 2³¹ − 1 ms); longer waits are chained. */
const MAX_TIMER_MS = 3_600_000;

async function pause(ms: number, stop: AbortSignal, now: () => number): Promise<void> {
  const until = now() + ms;
  for (let left = ms; left > 0 && !stop.aborted; left = until - now()) {
    try {
      await sleep(Math.min(left, MAX_TIMER_MS), undefined, { signal: stop });
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') return;
      throw e;
    }
  }
}

/**
 * Runs `cycle` now and then every `everyMs`, measured from the start of one cycle to the start of
 * the next; a cycle that overruns its interval is followed at once by the next (missed ticks are
 * not made up). Cycles never overlap. Each outcome is logged with its time; a failing cycle is
 * logged with its error and the watch continues at the next tick. Returns when `maxRuns` cycles
 * ran or `stop` is aborted (after the running cycle finishes).
 *
 * @example await watchLoop({ everyMs: 86_400_000, cycle, describeError, log, stop: controller.signal })
 */
export async function watchLoop(o: WatchOptions): Promise<WatchSummary> {
  const now = o.now ?? Date.now;
  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const summary: WatchSummary = { runs: 0, succeeded: 0, failed: 0, stopped_by: 'signal', recent: [] };
  let next = now();
  for (;;) {
    if (o.maxRuns !== undefined && summary.runs >= o.maxRuns) {
      summary.stopped_by = 'max_runs';
      break;
    }
    await pause(next - now(), o.stop, now);
    if (o.stop.aborted) break;
    const run = ++summary.runs;
    const start = now();
    const entry: WatchRun = { run, started_at: new Date(start).toISOString(), duration_ms: 0, ok: false };
    try {
      const outcome = await o.cycle(run);
      entry.ok = true;
      entry.summary = outcome.summary;
      Object.assign(entry, outcome.detail ?? {});
      summary.succeeded++;
    } catch (e) {
      entry.error = o.describeError(e);
      summary.failed++;
    }
    entry.duration_ms = Math.round(now() - start);
    const seconds = (entry.duration_ms / 1000).toFixed(1);
    o.log(
      entry.ok
        ? `[${iso(now())}] watch run ${run}: ${entry.summary} (${seconds} s)`
        : `[${iso(now())}] watch run ${run} failed (${seconds} s): ${entry.error}`,
    );
    summary.recent.push(entry);
    if (summary.recent.length > KEPT_RUNS) summary.recent.shift();
    next = Math.max(start + o.everyMs, now());
    const more = o.maxRuns === undefined || summary.runs < o.maxRuns;
    if (more && !o.stop.aborted) o.log(`[${iso(now())}] watch: next run at ${iso(next)}`);
  }
  return summary;
}
