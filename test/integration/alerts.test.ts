/**
 * Alert rules on a hand-made history (issue 7): eight monthly snapshots built with `segtrack
 * backfill` over a shop whose revenue is worked out by hand below, rules of each kind (threshold,
 * absolute and relative change, robust z-score) that must fire exactly where expected and nowhere
 * else, small segments that never fire, the `segtrack alerts` listing and its contract shape,
 * re-runs that do not fire twice, and rule mistakes reported at their place in the config.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunAlerts } from '../../src/alerts/evaluate.js';
import { MAD_SCALE } from '../../src/alerts/robust-z.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

/**
 * Eleven customers from 2024-01-01: five by e-mail, two organic, four paid search. Every month
 * e1 spends 100, o1 50 and p1 10, on the 15th — except in August, when e1 spends 2,000.
 * Revenue is over the trailing 12 months, so as of each month end (Jan … Aug):
 *   email   100 200 300 400 500 600 700 2700
 *   base    160 320 480 640 800 960 1120 3180
 * With min_segment_size 3 the organic segment (2 customers) is suppressed, and paid search (4,
 * the smallest shown one) with it, complementarily.
 */
function shopFiles(tmp: TempDir): void {
  const customers = ['customer_id,created_at,acquisition_channel'];
  for (let i = 1; i <= 5; i++) customers.push(`e${i},2024-01-01 09:00:00,email`);
  for (let i = 1; i <= 2; i++) customers.push(`o${i},2024-01-01 09:00:00,organic`);
  for (let i = 1; i <= 4; i++) customers.push(`p${i},2024-01-01 09:00:00,paid_search`);
  const orders = ['order_id,customer_id,ordered_at,revenue,status'];
  for (let m = 1; m <= 8; m++) {
    const day = `2024-${String(m).padStart(2, '0')}-15 10:00:00`;
    orders.push(`e${m},e1,${day},${m === 8 ? 2000 : 100},completed`);
    orders.push(`o${m},o1,${day},50,completed`);
    orders.push(`p${m},p1,${day},10,completed`);
  }
  tmp.write('customers.csv', `${customers.join('\n')}\n`);
  tmp.write('orders.csv', `${orders.join('\n')}\n`);
}

const RULES = [
  '  - {name: base-high, kpi: revenue, when: "value >= 1000", notify: ["jsonl:out/fired.jsonl"]}',
  '  - {name: email-jump, kpi: revenue, scheme: channel, segment: email, when: "change > 1000", notify: ["jsonl:out/fired.jsonl"]}',
  '  - {name: email-pct, kpi: revenue, scheme: channel, segment: email, when: "pct_change >= 1", notify: ["jsonl:out/fired.jsonl"]}',
  '  - {name: email-anomaly, kpi: revenue, scheme: channel, segment: email, when: "anomaly > 3", notify: ["jsonl:out/fired.jsonl"]}',
  '  - {name: any-channel, kpi: revenue, scheme: channel, when: "value > 0", notify: ["jsonl:out/fired.jsonl"]}',
  '  - {name: organic, kpi: revenue, scheme: channel, segment: organic, when: "value > 0", notify: ["jsonl:out/fired.jsonl"]}',
  '  - {name: never, kpi: revenue, when: "value < 0 or customers > 1000", notify: ["jsonl:out/fired.jsonl"]}',
];

function configText(minSize: number, rules: string[] = RULES): string {
  return [
    'workspace: ./shop.duckdb',
    `privacy: {min_segment_size: ${minSize}}`,
    'sources:',
    '  customers: {file: customers.csv}',
    '  orders: {file: orders.csv}',
    'segments:',
    '  - {name: channel, type: dimension, column: acquisition_channel}',
    'alerts:',
    ...rules,
    '',
  ].join('\n');
}

interface ListedAlert {
  alert_id: number;
  rule: string;
  scheme: string;
  segment: string;
  kpi: string;
  value: number | null;
  previous: number | null;
  snapshot_id: number;
  fired_at: string;
  as_of: string;
  condition: string;
  measures: {
    change: number | null;
    pct_change: number | null;
    anomaly: number | null;
    history_points: number;
  };
  suppressed: boolean;
}
interface AlertsJson {
  alerts: ListedAlert[];
  pending_deliveries: number;
}

let tmp: TempDir;
let config: string;
let all: ListedAlert[];
const cli = (...args: string[]) => runCli([...args, '--config', config]);
const firedOn = (rule: string) =>
  all
    .filter((a) => a.rule === rule)
    .map((a) => `${a.as_of} ${a.segment}`)
    .sort();

beforeAll(async () => {
  tmp = makeTempDir('segtrack-alerts-');
  shopFiles(tmp);
  config = tmp.write('segtrack.yaml', configText(3));
  jsonOf(await cli('ingest', '--json'));
  const b = jsonOf<{ snapshots: { as_of: string }[] }>(
    await cli('backfill', '--from', '2024-01-31', '--to', '2024-08-31', '--json'),
  );
  expect(b.snapshots.map((s) => s.as_of)).toEqual([
    '2024-01-31',
    '2024-02-29',
    '2024-03-31',
    '2024-04-30',
    '2024-05-31',
    '2024-06-30',
    '2024-07-31',
    '2024-08-31',
  ]);
  all = jsonOf<AlertsJson>(await cli('alerts', '--limit', '1000', '--json')).alerts;
});
afterAll(() => tmp.remove());

describe('alert rules on a backfilled history', () => {
  it('fires a threshold rule on the snapshots where it holds and nowhere else', () => {
    expect(firedOn('base-high')).toEqual(['2024-07-31 All customers', '2024-08-31 All customers']);
    const aug = all.find((a) => a.rule === 'base-high' && a.as_of === '2024-08-31')!;
    expect(aug).toMatchObject({
      scheme: '(all)',
      segment: 'All customers',
      kpi: 'revenue',
      value: 3180,
      previous: 1120,
    });
    expect(firedOn('never')).toEqual([]);
  });

  it('fires absolute and relative change rules against the previous snapshot', () => {
    expect(firedOn('email-jump')).toEqual(['2024-08-31 email']);
    // Feb: 200 / 100 − 1 = 1 (fires, >= 1); Mar: 0.5; … Aug: 2000 / 700 = 2.86.
    expect(firedOn('email-pct')).toEqual(['2024-02-29 email', '2024-08-31 email']);
    const jump = all.find((a) => a.rule === 'email-jump')!;
    expect(jump).toMatchObject({ value: 2700, previous: 700, measures: { change: 2000 } });
    expect(jump.measures.pct_change).toBeCloseTo(2000 / 700, 10);
  });

  it('fires the robust z-score rule on the spike only, not on the steady growth before it', () => {
    // Jun: history 500…100 → z = (600 − 300) / (1.4826 · 100) = 2.02; Jul: 1.57; Aug: 7.76.
    // Jan–May: fewer than 5 earlier values, no score.
    expect(firedOn('email-anomaly')).toEqual(['2024-08-31 email']);
    const a = all.find((x) => x.rule === 'email-anomaly')!;
    expect(a.measures.history_points).toBe(7);
    expect(a.measures.anomaly!).toBeCloseTo((2700 - 400) / (MAD_SCALE * 200), 9);
  });

  it('never fires on a suppressed segment: small ones, nor the one hidden to protect them', () => {
    expect(firedOn('organic')).toEqual([]);
    const segments = new Set(all.filter((a) => a.rule === 'any-channel').map((a) => a.segment));
    expect([...segments]).toEqual(['email']); // organic (2 customers) small, paid_search (4) complementary
    expect(firedOn('any-channel')).toHaveLength(8);
  });

  it('lists alerts newest first in the contract shape, filtered by rule and limited', async () => {
    const keys = ['rule', 'scheme', 'segment', 'kpi', 'value', 'previous', 'snapshot_id', 'fired_at'];
    for (const a of all) for (const k of keys) expect(a, k).toHaveProperty(k);
    expect(all[0]!.fired_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const ids = all.map((a) => a.alert_id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const one = jsonOf<AlertsJson>(await cli('alerts', '--rule', 'base-high', '--limit', '1', '--json'));
    expect(one.alerts.map((a) => [a.rule, a.as_of])).toEqual([['base-high', '2024-08-31']]);
    expect(one.pending_deliveries).toBe(0);
    const human = await cli('alerts', '--rule', 'email-jump');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('channel / email');
    const bad = await cli('alerts', '--rule', 'email-jmup');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("did you mean 'email-jump'?");
  });

  it('appends one JSON line per alert to the jsonl target, relative to the config', () => {
    const lines = readFileSync(tmp.path('out/fired.jsonl'), 'utf8').trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as ListedAlert & { delivery_id: string });
    expect(parsed.map((p) => p.alert_id).sort((a, b) => a - b)).toEqual(
      all.map((a) => a.alert_id).sort((a, b) => a - b),
    );
    const jump = parsed.find((p) => p.rule === 'email-jump')!;
    expect(jump).toMatchObject({ value: 2700, previous: 700, as_of: '2024-08-31', snapshot_id: 8 });
    expect(jump.delivery_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('does not fire or notify twice when a snapshot is computed again', async () => {
    const run = jsonOf<{ snapshot_id: number; alerts: RunAlerts }>(
      await cli('run', '--as-of', '2024-08-31', '--json'),
    );
    expect(run.snapshot_id).toBe(8);
    expect(run.alerts.fired.length).toBeGreaterThan(0);
    expect(run.alerts.fired.every((a) => a.repeat)).toBe(true);
    expect(run.alerts.suppressed).toBe(2 * 1 + 1); // any-channel: organic, paid_search; organic rule: organic
    const after = jsonOf<AlertsJson>(await cli('alerts', '--limit', '1000', '--json')).alerts;
    expect(after).toHaveLength(all.length);
    expect(readFileSync(tmp.path('out/fired.jsonl'), 'utf8').trim().split('\n')).toHaveLength(all.length);
  });

  it('hides the values of alerts whose segment is small under the threshold in force when listing', async () => {
    const stricter = tmp.write('stricter.yaml', configText(6));
    const listed = jsonOf<AlertsJson>(
      await runCli(['alerts', '--rule', 'email-jump', '--json', '--config', stricter]),
    ).alerts;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ segment: 'email', value: null, previous: null, suppressed: true });
    expect(listed[0]!.measures.change).toBeNull();
    const base = jsonOf<AlertsJson>(
      await runCli(['alerts', '--rule', 'base-high', '--json', '--config', stricter]),
    );
    expect(base.alerts[0]).toMatchObject({ value: 3180, suppressed: false });
  });
});

describe('mistakes in alert rules', () => {
  const bad = [
    '  - {name: typo, kpi: revenue, when: "chnage > 0.05"}',
    '  - {name: kpi-typo, kpi: revenu, when: "value > 1"}',
    '  - {name: target, kpi: revenue, when: "value > 1", notify: [slack]}',
    '  - {name: segment, kpi: revenue, scheme: channel, segment: emial, when: "value > 1", notify: ["jsonl:x.jsonl"]}',
    '  - {name: fine, kpi: customers, when: "value > 1", notify: ["jsonl:fine.jsonl"]}',
  ];

  it('`alerts --check` reports every mistake at its line with a hint (exit 2)', async () => {
    const path = tmp.write('bad.yaml', configText(3, bad));
    const lines = readFileSync(path, 'utf8').split('\n');
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    const r = await runCli(['alerts', '--check', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path}:${lineOf('chnage')}:`);
    expect(r.stderr).toContain("unknown measure 'chnage' at 1:1");
    expect(r.stderr).toContain("did you mean 'change'?");
    expect(r.stderr).toContain(`${path}:${lineOf('revenu,')}:`);
    expect(r.stderr).toContain("did you mean 'revenue'?");
    expect(r.stderr).toContain("unknown notification target 'slack'");
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    const good = jsonOf<{ rules: { name: string }[] }>(
      await runCli(['alerts', '--check', '--json', '--config', config]),
    );
    expect(good.rules.map((x) => x.name)).toContain('email-anomaly');
  });

  it('a run with bad rules still stores its snapshot, runs the good rules and reports the rest', async () => {
    const path = tmp.write('bad.yaml', configText(3, bad));
    const run = jsonOf<{ snapshot_id: number; alerts: RunAlerts }>(
      await runCli(['run', '--as-of', '2024-08-31', '--json', '--config', path]),
    );
    expect(run.alerts.rules).toBe(2); // segment and fine (the segment is checked against the snapshot)
    expect(run.alerts.problems.map((p) => p.code).sort()).toEqual([
      'alert_bad_notify',
      'alert_unknown_kpi',
      'alert_unknown_measure',
      'alert_unknown_segment',
    ]);
    expect(run.alerts.problems.find((p) => p.code === 'alert_unknown_segment')?.hint).toBe(
      "did you mean 'email'?",
    );
    expect(run.alerts.fired.map((a) => a.rule)).toEqual(['fine']);
  });

  it('a config without rules leaves the stage idle: nothing fired, the queue not touched', async () => {
    const none = tmp.write('none.yaml', configText(3, []).replace('alerts:\n', ''));
    const run = jsonOf<{ alerts: RunAlerts }>(
      await runCli(['run', '--as-of', '2024-08-31', '--json', '--config', none]),
    );
    expect(run.alerts).toEqual({ fired: [], rules: 0, suppressed: 0, problems: [], deliveries: null });
  });
});
