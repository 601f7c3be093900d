/**
 * `segtrack compare` with other control groups and the snapshot before/after view: a matched
 * control (nearest neighbours on pre-period features, with balance), the recorded holdout of an
 * activation export (`segtrack export --holdout 0.5`, then `compare --export ID`), an
 * intervention declared in the `interventions` table, and `--before-after` over two snapshots
 * with small-segment suppression.
 */
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { CompareResult } from '../../src/tracking/compare.js';
import type { BeforeAfterResult } from '../../src/tracking/compare-snapshots.js';
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
} from '../tracking/compare-fixture.js';

const EFFECT = 20;

let ws: CompareWorkspace;
let active: string[];

beforeAll(async () => {
  ws = await buildCompareWorkspace('segtrack-compare-controls-', 4000, 12);
  // A later snapshot for the before/after view (segment groups still use the one as of the start).
  const later = await runCli(['run', '--config', ws.config, '--as-of', '2025-06-30']);
  expect(later.code, later.stderr).toBe(0);
  const engine = await openWorkspace(ws.workspace);
  try {
    active = await segmentIds(engine, 'active');
  } finally {
    await engine.close();
  }
});
afterAll(() => ws?.tmp.remove());

async function withPlanted<T>(ids: string[], seed: number, work: () => Promise<T>): Promise<T> {
  const engine = await openWorkspace(ws.workspace);
  try {
    await plant(engine, postWindowOrders(ids, new Rng(seed, 3), 0.5, 2 * EFFECT));
  } finally {
    await engine.close();
  }
  try {
    return await work();
  } finally {
    const e = await openWorkspace(ws.workspace);
    try {
      await removePlanted(e);
    } finally {
      await e.close();
    }
  }
}

describe('segtrack compare: control groups', () => {
  it('matches each treated customer to its nearest neighbour, reports balance, and recovers the effect', async () => {
    let covered = 0;
    const seeds = [1, 2, 3, 4, 5];
    for (const seed of seeds) {
      const { treated } = randomHalves(active, new Rng(seed, 7));
      const file = writeIds(ws.tmp, `matched-${seed}.csv`, treated);
      const r = await withPlanted(treated, seed, async () =>
        jsonOf<CompareResult>(
          await runCli([
            'compare',
            '--config',
            ws.config,
            '--treated',
            file,
            '--control',
            'matched',
            '--start',
            START,
            '--seed',
            String(seed),
            '--json',
          ]),
        ),
      );
      expect(r.control.kind).toBe('matched');
      const m = r.control.matching!;
      expect(m.matched_pairs).toBe(treated.length);
      expect(m.features).toEqual(['pre_revenue', 'pre_orders', 'recency_days', 'tenure_days']);
      expect(m.pool).toBeGreaterThan(treated.length);
      // Matching brings the groups closer on every feature that was imbalanced.
      for (const b of m.balance)
        if (Math.abs(b.smd_before!) > 0.1)
          expect(Math.abs(b.smd_after!)).toBeLessThan(Math.abs(b.smd_before!));
      expect(r.control.customers!).toBeGreaterThanOrEqual(10);
      if (r.ci_low! <= EFFECT && EFFECT <= r.ci_high!) covered++;
      console.log(
        `matched seed ${seed}: effect ${r.effect!.toFixed(2)} [${r.ci_low!.toFixed(2)}, ${r.ci_high!.toFixed(2)}], ` +
          `${r.control.customers} controls, max |SMD| after ${m.max_abs_smd_after!.toFixed(3)}, ` +
          `before ${Math.max(...m.balance.map((b) => Math.abs(b.smd_before!))).toFixed(3)}`,
      );
    }
    expect(covered).toBeGreaterThanOrEqual(4);
    // The human output explains the matching.
    const file = writeIds(ws.tmp, 'matched-1.csv', randomHalves(active, new Rng(1, 7)).treated);
    const human = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated',
      file,
      '--control',
      'matched',
      '--start',
      START,
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Matching: [\d,]+ treated customers matched with replacement/);
    expect(human.stdout).toMatch(/pre_revenue: SMD -?\d\.\d\d before, -?\d\.\d\d after/);
  });

  it('uses the recorded holdout of an export as the control group', async () => {
    const out = ws.tmp.path('active-export.csv');
    const exported = jsonOf<{ export_id: number; exported: number; holdout: number }>(
      await runCli([
        'export',
        '--config',
        ws.config,
        '--scheme',
        'life',
        '--segment',
        'active',
        '--snapshot',
        '1',
        '--out',
        out,
        '--holdout',
        '0.5',
        '--seed',
        '4',
        '--json',
      ]),
    );
    expect(exported.holdout).toBeGreaterThan(100);
    const engine = await openWorkspace(ws.workspace);
    let treatedIds: string[];
    try {
      treatedIds = (
        await engine.query<{ id: string }>(
          `SELECT k.customer_id AS id FROM export_members x JOIN customer_keys k USING (customer_key)
            WHERE x.export_id = $1 AND NOT x.holdout ORDER BY id`,
          [exported.export_id],
        )
      ).map((r) => r.id);
    } finally {
      await engine.close();
    }
    expect(treatedIds.length).toBe(exported.exported);
    const id = String(exported.export_id);
    const [byExport, byHoldout] = await withPlanted(treatedIds, 9, async () => [
      jsonOf<CompareResult>(
        await runCli(['compare', '--config', ws.config, '--export', id, '--start', START, '--json']),
      ),
      jsonOf<CompareResult>(
        await runCli([
          'compare',
          '--config',
          ws.config,
          '--control',
          `holdout:${id}`,
          '--start',
          START,
          '--json',
        ]),
      ),
    ]);
    expect(byExport.treated).toMatchObject({
      kind: 'export',
      export_id: exported.export_id,
      customers: exported.exported,
    });
    expect(byExport.control).toMatchObject({
      kind: 'holdout',
      export_id: exported.export_id,
      customers: exported.holdout,
    });
    expect(byHoldout).toEqual(byExport);
    expect(byExport.ci_low!).toBeLessThanOrEqual(EFFECT);
    expect(byExport.ci_high!).toBeGreaterThanOrEqual(EFFECT);
    console.log(
      `holdout: effect ${byExport.effect!.toFixed(2)} [${byExport.ci_low!.toFixed(2)}, ${byExport.ci_high!.toFixed(2)}] ` +
        `p=${byExport.p_value!.toFixed(4)}, ${byExport.verdict}`,
    );
    // The holdout already names the treated group.
    const clash = await runCli([
      'compare',
      '--config',
      ws.config,
      '--treated-segment',
      'life/active',
      '--control',
      `holdout:${id}`,
      '--start',
      START,
    ]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/already sets the treated group/);
    const unknown = await runCli(['compare', '--config', ws.config, '--export', '99', '--start', START]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/there is no export 99/);
  });

  it('runs the comparison an intervention declares', async () => {
    const engine = await openWorkspace(ws.workspace);
    try {
      await engine.exec(
        `INSERT INTO interventions (name, started_at, ended_at, treated_segment, control_segment)
         VALUES ('spring win-back', TIMESTAMP '2025-04-01 00:00:00', TIMESTAMP '2025-04-14 00:00:00', 'life/at risk', 'life/lapsed')`,
      );
    } finally {
      await engine.close();
    }
    const r = jsonOf<CompareResult>(
      await runCli(['compare', '--config', ws.config, '--intervention', 'spring win-back', '--json']),
    );
    expect(r.intervention).toBe('spring win-back');
    expect(r.windows.start).toBe('2025-04-01');
    expect(r.windows.post).toEqual({ from: '2025-04-01', to: '2025-04-14', days: 14 });
    expect(r.treated).toMatchObject({ kind: 'segment', scheme: 'life', segment: 'at risk', snapshot_id: 1 });
    expect(r.control).toMatchObject({ kind: 'segment', scheme: 'life', segment: 'lapsed' });
    const typo = await runCli(['compare', '--config', ws.config, '--intervention', 'spring winback']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean 'spring win-back'/);
  });

  it('runs an intervention declared in the config', async () => {
    const doc = parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
    doc['interventions'] = [
      {
        name: 'april nudge',
        started_at: '2025-04-01',
        ended_at: '2025-04-07',
        treated_segment: 'life/at risk',
        control_segment: 'matched',
      },
    ];
    const declared = ws.tmp.write('declared.yaml', stringify(doc));
    const r = jsonOf<CompareResult>(
      await runCli(['compare', '--config', declared, '--intervention', 'april nudge', '--json']),
    );
    expect(r.intervention).toBe('april nudge');
    expect(r.windows.post).toEqual({ from: '2025-04-01', to: '2025-04-07', days: 7 });
    expect(r.treated).toMatchObject({ kind: 'segment', scheme: 'life', segment: 'at risk' });
    expect(r.control).toMatchObject({ kind: 'matched' });
    const bad = ws.tmp.write(
      'bad-declared.yaml',
      stringify({ ...doc, interventions: [{ name: 'x', started_at: 'soon' }] }),
    );
    const refused = await runCli(['compare', '--config', bad, '--intervention', 'x']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/interventions/);
  });

  it('compares a scheme before and after from the stored snapshots, suppressing small segments', async () => {
    const r = jsonOf<BeforeAfterResult>(
      await runCli([
        'compare',
        '--config',
        ws.config,
        '--before-after',
        '2025-04-15',
        '--scheme',
        'life',
        '--kpi',
        'customers,revenue',
        'repeat_rate',
        '--json',
      ]),
    );
    expect(r.method).toBe('before-after');
    expect(r.before.as_of).toBe('2025-03-31');
    expect(r.after.as_of).toBe('2025-06-30');
    expect(r.kpis).toEqual(['customers', 'revenue', 'repeat_rate']);
    expect(r.base.segment).toBe('All customers');
    const engine = await openWorkspace(ws.workspace);
    try {
      for (const s of [...r.segments, r.base]) {
        for (const k of r.kpis) {
          const c = s.kpis[k]!;
          if (c.before?.value != null && c.after?.value != null)
            expect(c.change!).toBeCloseTo(c.after.value - c.before.value, 9);
        }
        // The values are the stored ones.
        if (s.before && !s.before.suppressed) {
          const [stored] = await engine.query<{ value: number }>(
            `SELECT value FROM snapshot_kpis WHERE snapshot_id = $1 AND segment = $2 AND kpi = 'revenue'`,
            [r.before.snapshot_id, s.segment],
          );
          expect(s.kpis['revenue']!.before!.value).toBe(stored!.value);
        }
      }
    } finally {
      await engine.close();
    }
    // Stored intervals come along: repeat_rate has a Wilson interval.
    const any = r.segments.find((s) => s.kpis['repeat_rate']?.before?.ci_low != null);
    expect(any).toBeDefined();

    // With a high minimum size, small segments lose their figures (and a complementary one too).
    const strict = ws.configWith('strict-before-after', { min_segment_size: 250 });
    const s = jsonOf<BeforeAfterResult>(
      await runCli([
        'compare',
        '--config',
        strict,
        '--before-after',
        '2025-04-15',
        '--scheme',
        'life',
        '--json',
      ]),
    );
    expect(s.min_segment_size).toBe(250);
    const hidden = s.segments.filter((x) => x.before?.suppressed || x.after?.suppressed);
    expect(hidden.length).toBeGreaterThan(0);
    for (const h of hidden)
      for (const c of Object.values(h.kpis)) {
        expect(c.change).toBeNull();
        if (h.before?.suppressed) expect(c.before?.value ?? null).toBeNull();
        if (h.after?.suppressed) expect(c.after?.value ?? null).toBeNull();
      }
    const human = await runCli([
      'compare',
      '--config',
      strict,
      '--before-after',
      '2025-04-15',
      '--scheme',
      'life',
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/suppressed \(< 250\)/);
    expect(human.stdout).toMatch(/→/);

    const same = await runCli([
      'compare',
      '--config',
      ws.config,
      '--before-after',
      '2025-07-01',
      '--scheme',
      'life',
    ]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/no snapshot with the scheme 'life' after 2025-06-30/);
    const mixed = await runCli([
      'compare',
      '--config',
      ws.config,
      '--before-after',
      '2025-04-15',
      '--scheme',
      'life',
      '--metric',
      'orders',
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--metric does not go with --before-after/);
  });
});

describe('segtrack compare: pseudonymised customer ids', () => {
  it('reads a group file of original ids when the workspace hashes customer_id', async () => {
    const hashed = await buildCompareWorkspace('segtrack-compare-hashed-', 600, 13, {
      pii_columns: ['customer_id'],
    });
    try {
      const lines = readFileSync(hashed.tmp.path('data/customers.csv'), 'utf8').trim().split('\n');
      const col = lines[0]!.split(',').indexOf('customer_id');
      const original = lines.slice(1, 201).map((l) => l.split(',')[col]!.replace(/^"|"$/g, ''));
      const t = writeIds(hashed.tmp, 't.csv', [...original.slice(0, 100), 'NOT-A-CUSTOMER']);
      const c = writeIds(hashed.tmp, 'c.csv', original.slice(100));
      const r = jsonOf<CompareResult>(
        await runCli([
          'compare',
          '--config',
          hashed.config,
          '--treated',
          t,
          '--control',
          c,
          '--start',
          START,
          '--json',
        ]),
      );
      expect(r.treated).toMatchObject({ kind: 'file', ids: 101, unknown_ids: 1, customers: 100 });
      expect(r.control.customers).toBe(100);
      expect(r.warnings.some((w) => w.startsWith('1 of the 101 ids'))).toBe(true);
    } finally {
      hashed.tmp.remove();
    }
  });
});
