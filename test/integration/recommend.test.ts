/**
 * `segtrack recommend` on demo-like generated data (objective: growth, so the snapshot stores only
 * the growth KPIs and the profile reads P(alive), predicted CLV, NPS… from the feature table):
 * an action per segment with a rationale and a value at stake, a budget allocation that spends
 * the budget and favours the segments with more at stake, suppression of small segments, and a
 * playbook overridden from the config.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { recommend, type RecommendResult } from '../../src/decisions/recommend.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { generatedWorkspace, type GeneratedWorkspace } from '../helpers/generated-workspace.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-recommend-');
let ws: GeneratedWorkspace;
let withBudget: RecommendResult;

beforeAll(async () => {
  ws = await generatedWorkspace(tmp, {
    customers: 3000,
    seed: 5,
    segments: [
      { name: 'rfm', type: 'rfm' },
      { name: 'lifecycle', type: 'lifecycle' },
      {
        name: 'tiny',
        type: 'rules',
        rules: [
          { segment: 'Three', where: "customer_id in ('C0000001', 'C0000002', 'C0000003')" },
          { segment: 'Big', where: 'revenue_total >= 300' },
          { segment: 'Everyone else', where: 'true' },
        ],
      },
    ],
    extra: { objective: 'growth' },
    runs: ['2026-05-31', undefined],
  });
  withBudget = jsonOf<RecommendResult>(
    await runCli(['recommend', '--config', ws.config, '--scheme', 'rfm', '--budget', '10000', '--json']),
  );
}, 180_000);
afterAll(() => tmp.remove());

describe('segtrack recommend --budget 10000', () => {
  it('has the CONTRACT fields for every segment of the scheme', () => {
    const r = withBudget;
    expect(r.schemes).toEqual(['rfm']);
    expect(r.previous_as_of).toBe('2026-05-31');
    expect(r.recommendations.length).toBeGreaterThanOrEqual(8);
    for (const x of r.recommendations) {
      expect(Object.keys(x)).toEqual(
        expect.arrayContaining([
          'scheme',
          'segment',
          'action',
          'rationale',
          'value_at_stake',
          'budget',
          'customers',
        ]),
      );
      expect(x.scheme).toBe('rfm');
      if (x.suppressed || x.customers === 0) continue;
      expect(typeof x.action).toBe('string');
      expect(x.rationale, x.segment).toMatch(/^[A-Z][^:]+: .*\d.*\.$/);
      expect(x.value_at_stake, x.segment).not.toBeNull();
      expect(x.budget, x.segment).toBeGreaterThanOrEqual(0);
      if (x.action === 'no_action') expect(x.budget, x.segment).toBe(0);
    }
  });

  it('maps the classic RFM segments to the classic actions', () => {
    const action = (s: string) => withBudget.recommendations.find((x) => x.segment === s)?.action;
    expect(action('Champions')).toBe('loyalty_programme');
    expect(action("Can't Lose Them")).toBe('win_back');
    expect(action('New')).toBe('onboarding');
    expect(action('Lost')).toBe('no_action');
  });

  it('reads P(alive), NPS and engagement from the features when the snapshot did not store them', () => {
    const champions = withBudget.recommendations.find((x) => x.segment === 'Champions')!;
    expect(champions.signals?.churn_risk).toBeGreaterThan(0);
    expect(champions.signals?.churn_risk).toBeLessThan(1);
    expect(champions.signals?.engagement_index).not.toBeNull();
    expect(champions.signals?.revenue_trend).not.toBeNull();
    expect(withBudget.notes.join(' ')).toMatch(/p_alive.*computed over its members from the feature table/);
  });

  it('spends the budget and explains the split', () => {
    const a = withBudget.allocation!;
    expect(a.scheme).toBe('rfm');
    expect(a.allocated).toBeCloseTo(10_000, 2);
    const sum = withBudget.recommendations.reduce((s, x) => s + (x.budget ?? 0), 0);
    expect(Math.abs(sum - 10_000)).toBeLessThan(0.01 * withBudget.recommendations.length);
    expect(a.expected_value).toBeGreaterThan(0);
    expect(a.why.join('\n')).toContain('Fox 1966');
    expect(a.why.length).toBeGreaterThanOrEqual(4);
    // At the optimum the funded segments' next unit is worth about the same.
    const margins = withBudget.recommendations
      .filter((x) => (x.budget ?? 0) > 0)
      .map((x) => x.marginal_value!);
    expect(Math.max(...margins) / Math.min(...margins)).toBeLessThan(1.05);
  });

  it('gives more to segments with more at stake', () => {
    const funded = withBudget.recommendations.filter(
      (x) => !x.suppressed && x.action !== 'no_action' && x.customers! > 0,
    );
    const top = [...funded].sort((a, b) => b.value_at_stake! - a.value_at_stake!)[0]!;
    expect(top.budget, top.segment).toBeGreaterThan(0);
    // Same action, more at stake in total and per customer: never less budget.
    let pairs = 0;
    for (const a of funded)
      for (const b of funded) {
        if (a === b || a.action !== b.action) continue;
        if (
          a.value_at_stake! > b.value_at_stake! &&
          a.value_at_stake! / a.customers! > b.value_at_stake! / b.customers!
        ) {
          expect(a.budget!, `${a.segment} vs ${b.segment}`).toBeGreaterThanOrEqual(b.budget!);
          pairs++;
        }
      }
    expect(pairs).toBeGreaterThan(0);
    // Segments with nothing at stake get nothing.
    for (const x of funded) if (x.value_at_stake === 0) expect(x.budget).toBe(0);
  });

  it('a larger budget never earns less in total', async () => {
    const engine = await openWorkspace(ws.workspace);
    try {
      const config = await loadConfig(ws.config);
      let last = 0;
      for (const budget of [2_000, 5_000, 10_000, 20_000]) {
        const r = await recommend(engine, config, { scheme: 'rfm', budget });
        expect(r.allocation!.expected_value).toBeGreaterThan(last);
        last = r.allocation!.expected_value;
      }
    } finally {
      await engine.close();
    }
  });

  it('prints a readable report', async () => {
    const r = await runCli(['recommend', '--config', ws.config, '--scheme', 'rfm', '--budget', '10000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Budget 10,000 GBP across rfm');
    expect(r.stdout).toMatch(/Champions\s+[\d,]+\s+Loyalty programme/);
    expect(r.stdout).toContain('Why:');
  });
});

describe('segtrack recommend', () => {
  it('without a budget covers every scheme and allocates nothing', async () => {
    const r = jsonOf<RecommendResult>(await runCli(['recommend', '--config', ws.config, '--json']));
    expect(r.schemes).toEqual(['rfm', 'lifecycle', 'tiny']);
    expect(r.allocation).toBeNull();
    expect(r.recommendations.every((x) => x.budget === null)).toBe(true);
    expect(Object.keys(r.assumptions).sort()).toEqual(
      [...new Set(r.recommendations.flatMap((x) => (x.action ? [x.action] : [])))].sort(),
    );
  });

  it('shows no figures of a suppressed segment and gives it no budget', async () => {
    const r = jsonOf<RecommendResult>(
      await runCli(['recommend', '--config', ws.config, '--scheme', 'tiny', '--budget', '1000', '--json']),
    );
    const three = r.recommendations.find((x) => x.segment === 'Three')!;
    expect(three).toMatchObject({
      suppressed: true,
      suppression: 'small',
      action: null,
      value_at_stake: null,
      customers: null,
      budget: null,
    });
    expect(three.signals).toBeUndefined();
    expect(three.rationale).toContain('suppressed');
    // The next smallest is hidden too, so the three cannot be worked out from the total.
    expect(r.recommendations.filter((x) => x.suppressed).length).toBe(2);
    const shown = r.recommendations.find((x) => !x.suppressed)!;
    expect(shown.customers).toBeGreaterThan(10);
  });

  it('follows a playbook and response assumptions from the config', async () => {
    const engine = await openWorkspace(ws.workspace);
    try {
      const config = await loadConfig(ws.config);
      config.raw = {
        ...config.raw,
        recommend: {
          playbook: [{ action: 'sms_nudge', all: ['churn_risk >= 0.3'] }, { action: 'no_action' }],
          actions: { sms_nudge: { cost_per_customer: 0.5, response_rate: 0.05, uplift_per_responder: 20 } },
        },
      };
      const r = await recommend(engine, config, { scheme: 'rfm', budget: 500 });
      expect(r.playbook).toBe('config');
      for (const x of r.recommendations) {
        if (x.suppressed) continue;
        const risk = x.signals?.churn_risk ?? null;
        expect(x.action, x.segment).toBe(risk !== null && risk >= 0.3 ? 'sms_nudge' : 'no_action');
      }
      expect(r.assumptions['sms_nudge']).toMatchObject({ cost_per_customer: 0.5, uplift_per_responder: 20 });
      expect(r.allocation!.allocated).toBeCloseTo(500, 2);
    } finally {
      await engine.close();
    }
  });

  it('reads an older snapshot, saying where figures come from', async () => {
    const r = jsonOf<RecommendResult>(
      await runCli(['recommend', '--config', ws.config, '--scheme', 'rfm', '--snapshot', '1', '--json']),
    );
    expect(r.as_of).toBe('2026-05-31');
    expect(r.previous_snapshot_id).toBeNull();
    const notes = r.notes.join(' ');
    expect(notes).toContain('no earlier snapshot');
    expect(notes).toMatch(/the feature table is as of \S+ and the snapshot as of 2026-05-31/);
    expect(r.recommendations.every((x) => x.suppressed || typeof x.action === 'string')).toBe(true);
  });

  it('rejects a bad budget and an unknown scheme with exit code 2', async () => {
    const bad = await runCli(['recommend', '--config', ws.config, '--budget', 'lots']);
    expect(bad.code).toBe(2);
    const unknown = await runCli(['recommend', '--config', ws.config, '--scheme', 'rmf']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("did you mean 'rfm'?");
  });
});
