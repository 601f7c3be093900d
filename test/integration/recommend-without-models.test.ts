/**
 * `segtrack recommend` and `segtrack economics` on a workspace whose runs fitted no models: churn
 * risk falls back to the observed churn rate, the value at stake of retention actions to the
 * revenue lost to churn, and CLV to historical margin — each labelled as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecommendResult } from '../../src/decisions/recommend.js';
import type { EconomicsResult } from '../../src/decisions/unit-economics.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { generatedWorkspace, type GeneratedWorkspace } from '../helpers/generated-workspace.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-recommend-nomodels-');
let ws: GeneratedWorkspace;

beforeAll(async () => {
  ws = await generatedWorkspace(tmp, {
    customers: 800,
    seed: 21,
    start: '2024-06-01',
    models: false,
    segments: [{ name: 'life', type: 'lifecycle' }],
    runs: [undefined],
  });
}, 120_000);
afterAll(() => tmp.remove());

describe('without model scores', () => {
  it('economics: CLV is historical margin per customer', async () => {
    const r = jsonOf<EconomicsResult>(await runCli(['economics', '--config', ws.config, '--json']));
    expect(r.clv_basis).toBe('historical_margin');
    expect(r.total.predicted_clv).toBeNull();
    const engine = await openWorkspace(ws.workspace);
    try {
      const [m] = await engine.query<{ clv: number }>(
        `SELECT AVG(COALESCE(margin_total, 0)) AS clv FROM features`,
      );
      expect(r.total.clv).toBeCloseTo(m!.clv, 9);
    } finally {
      await engine.close();
    }
  });

  it('recommend: churn risk is the churn rate, the value at stake the revenue lost to churn', async () => {
    const r = jsonOf<RecommendResult>(
      await runCli(['recommend', '--config', ws.config, '--budget', '2000', '--json']),
    );
    expect(r.schemes).toEqual(['life']);
    expect(r.notes.join(' ')).toContain('no earlier snapshot');
    const retention = r.recommendations.filter(
      (x) =>
        !x.suppressed &&
        x.customers! > 0 &&
        ['win_back', 're_engagement', 'service_recovery'].includes(x.action!),
    );
    expect(retention.length).toBeGreaterThan(0);
    for (const x of retention) expect(x.value_at_stake_basis, x.segment).toBe('churned_revenue');
    const lapsed = r.recommendations.find((x) => x.segment === 'lapsed')!;
    expect(lapsed.rationale).toContain('(churn rate)');
    expect(r.definitions['churned_revenue']).toBeDefined();
    expect(r.allocation!.allocated).toBeCloseTo(2000, 2);
  });
});
