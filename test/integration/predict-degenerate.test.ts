/**
 * The predictive models on data they cannot be fitted to: no repeat buyers, every purchase on
 * one day, a single customer, and repeat spend that is zero or negative. The run must go on
 * with a clear reason; `segtrack fit` must fail with a positioned, actionable error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, yamlText } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('predict-degenerate-');
afterAll(() => tmp.remove());

interface RunJson {
  skipped_schemes: { scheme: string; reason: string }[];
  schemes: string[];
  models: {
    purchase_model: { params: Record<string, number> } | null;
    spend_model: unknown;
    problems: { code: string; message: string; hint?: string }[];
  };
}

const configs = new Map<unknown, string>();
const cliConfig = (cli: unknown) => configs.get(cli)!;

/** A workspace whose orders are `rows` (customer, day, revenue); returns its CLI runner. */
async function workspace(name: string, rows: [string, string, number][]) {
  const lines = [
    'order_id,customer_id,ordered_at,revenue',
    ...rows.map((r, i) => `o${i},${r[0]},${r[1]},${r[2]}`),
  ];
  const csv = tmp.write(`${name}/orders.csv`, lines.join('\n') + '\n');
  const config = tmp.write(
    `${name}/segtrack.yaml`,
    yamlText({
      workspace: tmp.path(`${name}/ws.duckdb`),
      sources: { orders: { file: csv } },
      segments: [
        { name: 'tier', type: 'value_tiers' },
        { name: 'risk', type: 'churn_risk' },
        { name: 'rfm', type: 'rfm' },
      ],
      models: { purchase: 'bgnbd' },
    }),
  );
  const cli = (...args: string[]) => runCli([...args, '--config', config, '--json']);
  configs.set(cli, config);
  jsonOf(await cli('ingest'));
  return cli;
}

const days = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

describe('models on degenerate data', () => {
  it('no repeat buyers: fit fails with a hint, run goes on without the predictive schemes', async () => {
    const cli = await workspace(
      'no-repeat',
      Array.from({ length: 50 }, (_, i) => [`c${i}`, days(i), 10 + i]),
    );
    const fit = await cli('fit');
    expect(fit.code).toBe(2);
    expect(fit.stderr).toContain('model_no_repeat_buyers');
    expect(fit.stderr).toMatch(/hint: /);
    const run = jsonOf<RunJson>(await cli('run'));
    expect(run.models.purchase_model).toBeNull();
    expect(run.models.problems.map((p) => p.code)).toContain('model_no_repeat_buyers');
    expect(run.schemes).toEqual(['rfm']);
    expect(run.skipped_schemes.map((s) => s.scheme)).toEqual(['tier', 'risk']);
    expect(run.skipped_schemes[0]!.reason).toContain('predicted_clv');
    // Without --json the run says why there are no models, with what to do.
    const text = await runCli(['run', '--config', cliConfig(cli)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/models: .*repeat.*\(hint: /);
    const seg = jsonOf<{
      segments: { kpis: Record<string, { value: number | null; available?: boolean; reason?: string }> }[];
    }>(await cli('segments', '--scheme', 'rfm'));
    const pclv = seg.segments[0]!.kpis['predicted_clv'];
    expect(pclv?.value ?? null).toBeNull();
  });

  it('every purchase on one day: a clear message, not a fit', async () => {
    const rows: [string, string, number][] = [];
    for (let c = 0; c < 30; c++) for (let k = 0; k < 3; k++) rows.push([`c${c}`, days(0), 5 + k]);
    const cli = await workspace('one-day', rows);
    const fit = await cli('fit');
    expect(fit.code).toBe(2);
    expect(fit.stderr).toMatch(/model_no_observation_time/);
    expect(fit.stderr).toContain('hint: ');
    expect(fit.stderr).not.toMatch(/NaN|undefined|at \w+ \(/);
  });

  it('a single customer: too few customers to fit', async () => {
    const cli = await workspace('single', [
      ['only', days(0), 10],
      ['only', days(5), 12],
      ['only', days(40), 9],
    ]);
    const fit = await cli('fit');
    expect(fit.code).toBe(2);
    expect(fit.stderr).toContain('model_too_few_customers');
    const run = jsonOf<RunJson>(await cli('run'));
    expect(run.models.problems.map((p) => p.code)).toContain('model_too_few_customers');
  });

  it('zero or negative repeat spend: purchase model scores, no CLV, value tiers skipped', async () => {
    const rows: [string, string, number][] = [];
    // 200 customers with repeat purchases whose repeat orders are refunds or free.
    for (let c = 0; c < 200; c++) {
      rows.push([`c${c}`, days(c % 30), 20]);
      const repeats = 1 + (c % 4);
      for (let k = 1; k <= repeats; k++)
        rows.push([`c${c}`, days((c % 30) + 7 * k + (c % 5)), c % 2 === 0 ? 0 : -5]);
    }
    for (let c = 200; c < 260; c++) rows.push([`c${c}`, days(c % 50), 15]);
    const cli = await workspace('no-spend', rows);
    const fit = jsonOf<{
      spend_model: unknown;
      spend_problems: { code: string }[];
      purchase_model: { converged: boolean };
    }>(await cli('fit'));
    expect(fit.purchase_model.converged).toBe(true);
    expect(fit.spend_model).toBeNull();
    expect(fit.spend_problems.map((p) => p.code)).toContain('model_no_positive_spend');
    const run = jsonOf<RunJson>(await cli('run'));
    expect(run.schemes).toEqual(['risk', 'rfm']);
    expect(run.skipped_schemes.map((s) => s.scheme)).toEqual(['tier']);
  });
});
