/**
 * `segtrack compare` (difference-in-differences) on generated data with a planted treatment:
 * over 20 seeds, a random half of a segment gets extra completed orders in the post window and
 * the other half is the control. The estimate's 95 % interval must cover the planted effect in at
 * least 18 of 20 seeds, and a placebo (no planted orders) must show no effect (interval covers 0,
 * p > 0.05) in at least 18 of 20. A planted pre-trend must be detected; groups under the minimum
 * size must say so without figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { Engine } from '../../src/engine/engine.js';
import { compare, type CompareResult } from '../../src/tracking/compare.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import {
  START,
  buildCompareWorkspace,
  plant,
  postWindowOrders,
  randomHalves,
  removePlanted,
  segmentIds,
  writeIds,
  type CompareWorkspace,
  type PlantedOrder,
} from '../tracking/compare-fixture.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
/** Each treated customer gets an extra order of 40 with probability 1/2: +20 revenue per customer. */
const PROBABILITY = 0.5;
const REVENUE = 40;
const EFFECT = PROBABILITY * REVENUE;

let ws: CompareWorkspace;
let active: string[];

beforeAll(async () => {
  ws = await buildCompareWorkspace('segtrack-compare-', 4000, 11);
  const engine = await openWorkspace(ws.workspace);
  try {
    active = await segmentIds(engine, 'active');
  } finally {
    await engine.close();
  }
  expect(active.length).toBeGreaterThan(300);
});
afterAll(() => ws?.tmp.remove());

/** Runs `compare` on files of ids through the library on an open engine. */
async function compareFiles(
  engine: Engine,
  seed: number,
  treated: string[],
  control: string[],
  extra: Partial<Parameters<typeof compare>[2]> = {},
): Promise<CompareResult> {
  return compare(engine, undefined, {
    treated: { kind: 'file', path: writeIds(ws.tmp, `t-${seed}.csv`, treated) },
    control: { kind: 'file', path: writeIds(ws.tmp, `c-${seed}.csv`, control) },
    start: START,
    seed,
    ...extra,
  });
}

const covers = (r: CompareResult, x: number) => r.ci_low! <= x && x <= r.ci_high!;

describe('segtrack compare: difference-in-differences', () => {
  it('recovers a planted effect within its interval in ≥ 90 % of seeds, and a placebo shows none', async () => {
    const engine = await openWorkspace(ws.workspace);
    const rows: string[] = [];
    let covered = 0;
    let detected = 0;
    let placeboQuiet = 0;
    let trendsQuiet = 0;
    try {
      for (const seed of SEEDS) {
        const rng = new Rng(seed, 7);
        const { treated, control } = randomHalves(active, rng);
        // Placebo: the same split with nothing planted.
        const placebo = await compareFiles(engine, seed, treated, control);
        if (covers(placebo, 0) && placebo.p_value! > 0.05) placeboQuiet++;
        if (placebo.parallel_trends.ok === true) trendsQuiet++;
        await plant(engine, postWindowOrders(treated, rng, PROBABILITY, REVENUE));
        try {
          const r = await compareFiles(engine, seed, treated, control);
          expect(r.method).toBe('difference-in-differences');
          expect(r.treated.customers).toBe(treated.length);
          expect(r.control.customers).toBe(control.length);
          // The effect is the difference of the groups' changes, exactly.
          expect(r.effect!).toBeCloseTo(r.treated.change! - r.control.change!, 9);
          if (covers(r, EFFECT)) covered++;
          if (r.ci_low! > 0 && r.p_value! < 0.05) detected++;
          rows.push(
            `seed ${seed}: effect ${r.effect!.toFixed(2)} [${r.ci_low!.toFixed(2)}, ${r.ci_high!.toFixed(2)}] p=${r.p_value!.toFixed(4)}; ` +
              `placebo ${placebo.effect!.toFixed(2)} [${placebo.ci_low!.toFixed(2)}, ${placebo.ci_high!.toFixed(2)}] p=${placebo.p_value!.toFixed(3)}`,
          );
        } finally {
          await removePlanted(engine);
        }
      }
    } finally {
      await engine.close();
    }
    const summary = `planted +${EFFECT}: covered ${covered}/20, detected ${detected}/20; placebo quiet ${placeboQuiet}/20, no pre-trend alarm ${trendsQuiet}/20\n${rows.join('\n')}`;
    console.log(summary);
    expect(covered, summary).toBeGreaterThanOrEqual(18);
    expect(placeboQuiet, summary).toBeGreaterThanOrEqual(18);
    // Random halves have parallel trends: the check raises few false alarms.
    expect(trendsQuiet, summary).toBeGreaterThanOrEqual(17);
    // Not required by the contract, but a +20 effect on ~600 customers a side should be seen.
    expect(detected, summary).toBeGreaterThanOrEqual(16);
  });

  it('detects a planted pre-trend and warns that the estimate may be biased', async () => {
    const engine = await openWorkspace(ws.workspace);
    let caught = 0;
    const seeds = [1, 2, 3, 4, 5];
    try {
      for (const seed of seeds) {
        const rng = new Rng(seed, 8);
        const { treated, control } = randomHalves(active, rng);
        // The treated half drifts up through the pre window: an extra order of 40 with
        // probability 0, 1/3, 2/3, 1 in its four weeks (and it carries on after the start).
        const orders: PlantedOrder[] = [];
        for (const id of treated)
          for (let week = 0; week < 8; week++)
            if (rng.bernoulli(Math.min(1, week / 3)))
              orders.push({ customer_id: id, day: -28 + week * 7 + rng.int(7), revenue: REVENUE });
        await plant(engine, orders);
        try {
          const r = await compareFiles(engine, seed, treated, control);
          expect(r.parallel_trends.checked).toBe(true);
          expect(r.parallel_trends.periods).toBe(4);
          if (r.parallel_trends.ok === false) {
            caught++;
            expect(r.parallel_trends.slope!).toBeGreaterThan(0);
            expect(r.conclusion).toMatch(/not on parallel trends/);
            expect(r.warnings.some((w) => w.includes('parallel trends'))).toBe(true);
          }
        } finally {
          await removePlanted(engine);
        }
      }
    } finally {
      await engine.close();
    }
    console.log(`pre-trend caught in ${caught}/${seeds.length}`);
    expect(caught).toBe(seeds.length);
  });

  it('says plainly that groups under the minimum size are too small, without figures', async () => {
    const t = writeIds(ws.tmp, 'few.csv', active.slice(0, 6));
    const c = writeIds(ws.tmp, 'many.csv', active.slice(6, 200));
    const run = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated',
      t,
      '--control',
      c,
      '--start',
      START,
      '--json',
    ]);
    const r = jsonOf<CompareResult>(run);
    expect(r.verdict).toBe('too_small');
    expect(r.treated).toMatchObject({
      kind: 'file',
      customers: null,
      pre: null,
      post: null,
      suppressed: true,
    });
    // The control group is big enough to show; the effect (which describes both) is not shown.
    expect(r.control.customers).toBe(194);
    expect([r.effect, r.ci_low, r.ci_high, r.p_value]).toEqual([null, null, null, null]);
    expect(r.conclusion).toMatch(/too small to conclude/);
    const human = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated',
      t,
      '--control',
      c,
      '--start',
      START,
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /too small to conclude anything: the treated group has fewer than 10 customers/,
    );
    expect(human.stdout).toContain('suppressed (< 10)');
    // A larger minimum size hides a larger group too.
    const strict = ws.configWith('strict', { min_segment_size: 500 });
    const r2 = jsonOf<CompareResult>(
      await runCli([
        'compare',
        '--config',
        strict,
        '--treated',
        c,
        '--control',
        c,
        '--start',
        START,
        '--json',
      ]),
    );
    expect(r2.verdict).toBe('too_small');
    expect(r2.min_segment_size).toBe(500);
  });

  it('calls a very wide interval too uncertain to conclude', async () => {
    const t = writeIds(ws.tmp, 'twelve-t.csv', active.slice(0, 12));
    const c = writeIds(ws.tmp, 'twelve-c.csv', active.slice(12, 24));
    const r = jsonOf<CompareResult>(
      await runCli([
        'compare',
        '--config',
        ws.config,
        '--treated',
        t,
        '--control',
        c,
        '--start',
        START,
        '--json',
      ]),
    );
    expect(r.treated.customers).toBe(12);
    expect(r.verdict).toBe('too_uncertain');
    expect(r.ci_high! - r.ci_low!).toBeGreaterThan(0);
    expect(r.conclusion).toMatch(/too small \(or the metric too variable\) to conclude/);
  });

  it('prints the CONTRACT fields and explains the result in a sentence', async () => {
    const rng = new Rng(99, 7);
    const { treated, control } = randomHalves(active, rng);
    const t = writeIds(ws.tmp, 'contract-t.csv', treated);
    const c = writeIds(ws.tmp, 'contract-c.csv', control);
    const args = ['compare', '--config', ws.config, '--treated', t, '--control', c, '--start', START];
    for (const metric of ['revenue', 'orders', 'active']) {
      const r = jsonOf<CompareResult>(await runCli([...args, '--metric', metric, '--json']));
      for (const g of [r.treated, r.control]) {
        expect(Object.keys(g)).toEqual(expect.arrayContaining(['pre', 'post', 'customers']));
        expect(typeof g.pre).toBe('number');
      }
      expect(r).toMatchObject({ method: 'difference-in-differences', metric });
      for (const k of ['effect', 'ci_low', 'ci_high', 'p_value'] as const) expect(typeof r[k]).toBe('number');
      expect(r.ci_low!).toBeLessThanOrEqual(r.effect!);
      expect(r.ci_high!).toBeGreaterThanOrEqual(r.effect!);
      expect(r.bootstrap).toEqual({ replicates: 2000, seed: 1 });
      if (metric === 'active') for (const g of [r.treated, r.control]) expect(g.pre!).toBeLessThanOrEqual(1);
    }
    // Reproducible: the same seed gives the same interval.
    const a = jsonOf<CompareResult>(await runCli([...args, '--seed', '5', '--json']));
    const b = jsonOf<CompareResult>(await runCli([...args, '--seed', '5', '--json']));
    expect([a.ci_low, a.ci_high]).toEqual([b.ci_low, b.ci_high]);
    const human = await runCli(args);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Effect: [+-]?\d/);
    expect(human.stdout).toMatch(/No detectable effect|changed by|Borderline/);
    // Unequal windows: totals in the pre window are scaled to the post window's length.
    const scaled = jsonOf<CompareResult>(await runCli([...args, '--pre-days', '56', '--json']));
    expect(scaled.windows.pre_scale).toBe(0.5);
    expect(scaled.parallel_trends.periods).toBe(8);
  });

  it('reports mistakes in the flags with hints', async () => {
    const t = writeIds(ws.tmp, 'err-t.csv', active.slice(0, 50));
    const noStart = await runCli(['compare', '--config', ws.config, '--treated', t, '--control', t]);
    expect(noStart.code).toBe(2);
    expect(noStart.stderr).toMatch(/--start/);
    const metric = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated',
      t,
      '--control',
      'matched',
      '--start',
      START,
      '--metric',
      'revenu',
    ]);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/did you mean 'revenue'/);
    const seg = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated-segment',
      'life/activ',
      '--control',
      'matched',
      '--start',
      START,
    ]);
    expect(seg.code).toBe(2);
    expect(seg.stderr).toMatch(/did you mean 'active'/);
    const early = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated-segment',
      'life/active',
      '--control',
      'matched',
      '--start',
      '2024-06-01',
    ]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/no snapshot .* as of 2024-06-01 or earlier/);
    const noColumn = ws.tmp.write('no-column.csv', 'id\nC1\n');
    const col = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated',
      noColumn,
      '--control',
      t,
      '--start',
      START,
    ]);
    expect(col.code).toBe(2);
    expect(col.stderr).toMatch(/no customer_id column/);
    const both = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated',
      t,
      '--treated-segment',
      'life/active',
      '--control',
      t,
      '--start',
      START,
      '--metric',
      'x',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/2 problems/);
  });
});
