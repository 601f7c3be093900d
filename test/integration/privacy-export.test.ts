/**
 * Consent-aware activation export (issue 6): `segtrack export` leaves out customers without
 * marketing consent (and, by default, with unknown consent), holds back a recorded random
 * holdout, and its counts add up to the segment; the export is audited and erasure reaches its
 * records.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generate } from '../../src/generate/generate.js';
import { CANONICAL_TABLES } from '../../src/model/canonical.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { parseCsvObjects } from '../helpers/csv.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-export-');
let workspace: string;
let sources: Record<string, { file: string }>;
let segment: string;
let size: number;

function configWith(privacy: Record<string, unknown>, name: string): string {
  return tmp.write(
    `${name}.yaml`,
    stringify({ workspace, sources, segments: [{ name: 'life', type: 'lifecycle' }], privacy }),
  );
}

interface Exported {
  exported: number;
  excluded_no_consent: number;
  excluded_unknown_consent: number;
  holdout: number;
  out: string;
  export_id: number;
  members: number;
  not_current: number;
}

beforeAll(async () => {
  const generated = await generate({ out: tmp.path('data'), customers: 600, seed: 3 });
  workspace = tmp.path('ws.duckdb');
  sources = Object.fromEntries(
    CANONICAL_TABLES.filter((t) => generated.files[t] !== undefined).map((t) => [
      t,
      { file: generated.files[t]! },
    ]),
  );
  const config = configWith({}, 'base');
  expect((await runCli(['ingest', '--config', config])).code).toBe(0);
  expect((await runCli(['run', '--config', config])).code).toBe(0);
  const engine = await openWorkspace(workspace);
  try {
    const [row] = await engine.query<{ segment: string; customers: number }>(
      `SELECT segment, customers FROM snapshot_segments WHERE scheme = 'life' ORDER BY customers DESC LIMIT 1`,
    );
    segment = row!.segment;
    size = Number(row!.customers);
  } finally {
    await engine.close();
  }
});
afterAll(() => tmp.remove());

describe('segtrack export', () => {
  it('exports only consenting customers, holds back a recorded holdout, and the counts add up', async () => {
    const config = configWith({}, 'default');
    const out = tmp.path('active.csv');
    const r = jsonOf<Exported>(
      await runCli([
        'export',
        '--config',
        config,
        '--scheme',
        'life',
        '--segment',
        segment,
        '--out',
        out,
        '--holdout',
        '0.1',
        '--seed',
        '5',
        '--json',
      ]),
    );
    expect(r.members).toBe(size);
    expect(r.exported + r.excluded_no_consent + r.holdout + r.not_current).toBe(size);
    expect(r.excluded_no_consent).toBeGreaterThan(0);
    expect(r.excluded_unknown_consent).toBeGreaterThan(0);
    expect(r.holdout).toBe(Math.round((r.exported + r.holdout) * 0.1));
    const rows = parseCsvObjects(readFileSync(out, 'utf8'));
    expect(rows.length).toBe(r.exported);
    expect(Object.keys(rows[0]!)).toEqual(['customer_id', 'segment', 'recommended_action']);
    const advice = jsonOf<{ recommendations: { segment: string; action: string | null }[] }>(
      await runCli(['recommend', '--config', config, '--scheme', 'life', '--json']),
    ).recommendations.find((x) => x.segment === segment)!;
    expect(advice.action).not.toBeNull();
    expect(new Set(rows.map((x) => x['recommended_action']))).toEqual(new Set([advice.action]));
    const engine = await openWorkspace(workspace);
    try {
      const consent = new Map(
        (
          await engine.query<{ customer_id: string; c: boolean | null }>(
            `SELECT customer_id, consent_marketing AS c FROM features`,
          )
        ).map((x) => [x.customer_id, x.c]),
      );
      for (const row of rows) expect(consent.get(row['customer_id']!), row['customer_id']).toBe(true);
      const held = await engine.query<{ customer_id: string }>(
        `SELECT f.customer_id FROM export_members x JOIN features f USING (customer_key) WHERE x.export_id = ${r.export_id} AND x.holdout`,
      );
      expect(held.length).toBe(r.holdout);
      const exported = new Set(rows.map((x) => x['customer_id']));
      for (const h of held) {
        expect(exported.has(h.customer_id)).toBe(false);
        expect(consent.get(h.customer_id)).toBe(true);
      }
      const [recorded] = await engine.query(
        `SELECT exported, excluded_no_consent, holdout, seed FROM exports WHERE export_id = ${r.export_id}`,
      );
      expect(recorded).toEqual({
        exported: r.exported,
        excluded_no_consent: r.excluded_no_consent,
        holdout: r.holdout,
        seed: 5,
      });
    } finally {
      await engine.close();
    }
    // The same seed draws the same holdout; the audit log has the export.
    const again = jsonOf<Exported>(
      await runCli([
        'export',
        '--config',
        config,
        '--scheme',
        'life',
        '--segment',
        segment,
        '--out',
        tmp.path('again.csv'),
        '--holdout',
        '0.1',
        '--seed',
        '5',
        '--json',
      ]),
    );
    expect(readFileSync(tmp.path('again.csv'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    expect(again.export_id).toBe(r.export_id + 1);
    const log = jsonOf<{ entries: { action: string; target: string }[] }>(
      await runCli(['audit', '--config', config, '--action', 'export', '--json']),
    );
    expect(log.entries.map((e) => e.target)).toEqual([`life/${segment}`, `life/${segment}`]);
  });

  it('keeps customers with unknown consent when configured, and everyone without the consent rule', async () => {
    const base = jsonOf<Exported>(
      await runCli([
        'export',
        '--config',
        configWith({}, 'd2'),
        '--scheme',
        'life',
        '--segment',
        segment,
        '--out',
        tmp.path('a.json'),
        '--json',
      ]),
    );
    const unknown = jsonOf<Exported>(
      await runCli([
        'export',
        '--config',
        configWith({ unknown_consent: 'include' }, 'u'),
        '--scheme',
        'life',
        '--segment',
        segment,
        '--out',
        tmp.path('b.json'),
        '--json',
      ]),
    );
    expect(unknown.excluded_no_consent).toBe(base.excluded_no_consent - base.excluded_unknown_consent);
    expect(unknown.exported).toBe(base.exported + base.excluded_unknown_consent);
    const all = jsonOf<Exported>(
      await runCli([
        'export',
        '--config',
        configWith({ require_consent: false }, 'n'),
        '--scheme',
        'life',
        '--segment',
        segment,
        '--out',
        tmp.path('c.parquet'),
        '--json',
      ]),
    );
    expect(all.excluded_no_consent).toBe(0);
    expect(all.exported).toBe(size);
    const rows = JSON.parse(readFileSync(tmp.path('a.json'), 'utf8')) as unknown[];
    expect(rows.length).toBe(base.exported);
  });

  it('says what is wrong with a bad request', async () => {
    const config = configWith({}, 'bad');
    const unknownSegment = await runCli([
      'export',
      '--config',
      config,
      '--scheme',
      'life',
      '--segment',
      'actve',
      '--out',
      tmp.path('x.csv'),
    ]);
    expect(unknownSegment.code).toBe(2);
    expect(unknownSegment.stderr).toContain("did you mean 'active'");
    const badHoldout = await runCli([
      'export',
      '--config',
      config,
      '--scheme',
      'life',
      '--segment',
      segment,
      '--out',
      tmp.path('x.csv'),
      '--holdout',
      '1.5',
    ]);
    expect(badHoldout.code).toBe(2);
    expect(badHoldout.stderr).toContain('--holdout');
  });

  it('is reached by erasure: an erased customer leaves the export records', async () => {
    const config = configWith({}, 'erase');
    const engine = await openWorkspace(workspace);
    let id: string;
    let key: number;
    try {
      const [row] = await engine.query<{ customer_id: string; customer_key: number }>(
        `SELECT f.customer_id, f.customer_key FROM export_members x JOIN features f USING (customer_key) LIMIT 1`,
      );
      id = row!.customer_id;
      key = Number(row!.customer_key);
    } finally {
      await engine.close();
    }
    const erased = jsonOf<{ erased: number; rows_deleted: Record<string, number> }>(
      await runCli(['forget', '--config', config, '--customer', id, '--json']),
    );
    expect(erased.erased).toBe(1);
    expect(erased.rows_deleted['export_members']).toBeGreaterThan(0);
    const after = await openWorkspace(workspace);
    try {
      const [n] = await after.query(`SELECT COUNT(*) AS n FROM export_members WHERE customer_key = ${key}`);
      expect(Number(n!['n'])).toBe(0);
    } finally {
      await after.close();
    }
  });
});
