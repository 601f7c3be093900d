/**
 * Unit economics (`segtrack economics`, src/decisions/unit-economics.ts) on generated data,
 * checked against an independent computation in TypeScript over the raw CSV rows: CAC per
 * acquisition channel and per acquisition cohort (spend rows pro-rated over days, cut at the
 * as-of date), payback per channel, and the unknown (not zero) CAC of channels without spend.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDay, parseDay } from '../../src/features/as-of.js';
import type { EconomicsResult } from '../../src/decisions/unit-economics.js';
import { unitEconomics } from '../../src/decisions/unit-economics.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { generatedWorkspace, type GeneratedWorkspace } from '../helpers/generated-workspace.js';
import { parseCsvObjects } from '../helpers/csv.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-economics-');
let ws: GeneratedWorkspace;

/** Spend rows added to the generated ones: across months, on a channel nobody came through, past the as-of date. */
const EXTRA_SPEND = [
  '2024-03-15,2024-05-14,affiliate,spring_promo,1830.00',
  '2025-02-10,2025-02-20,tv,launch,5000.00',
  '2026-06-20,2026-07-19,paid_search,summer_push,900.00',
];

beforeAll(async () => {
  ws = await generatedWorkspace(tmp, {
    customers: 1500,
    seed: 11,
    start: '2024-01-01',
    extraSpend: EXTRA_SPEND,
    segments: [
      { name: 'rfm', type: 'rfm' },
      {
        name: 'tiny',
        type: 'rules',
        rules: [
          { segment: 'Three', where: "customer_id in ('C0000001', 'C0000002', 'C0000003')" },
          { segment: 'Everyone else', where: 'true' },
        ],
      },
    ],
    runs: [undefined],
  });
}, 120_000);
afterAll(() => tmp.remove());

/** The reference: CAC per channel, per cohort and payback per channel, from the CSV files alone. */
function reference(asOf: string) {
  const day = (ts: string) => ts.slice(0, 10);
  const month = (d: string) => d.slice(0, 7);
  const customers = parseCsvObjects(readFileSync(ws.files['customers']!, 'utf8'));
  const orders = parseCsvObjects(readFileSync(ws.files['orders']!, 'utf8')).filter(
    (o) => (o['status'] === 'completed' || o['status'] === '') && day(o['ordered_at']!) <= asOf,
  );
  const firstOrder = new Map<string, string>();
  for (const o of orders) {
    const d = day(o['ordered_at']!);
    const id = o['customer_id']!;
    if (!firstOrder.has(id) || d < firstOrder.get(id)!) firstOrder.set(id, d);
  }
  // Who exists as of the date, acquired in which month (created_at, else first completed order).
  const acquired = new Map<string, { channel: string; month: string }>();
  for (const c of customers) {
    const created = c['created_at'] ? day(c['created_at']) : undefined;
    const id = c['customer_id']!;
    const first = firstOrder.get(id);
    const when = created !== undefined && created <= asOf ? created : first;
    if (when === undefined) continue;
    acquired.set(id, { channel: c['acquisition_channel']!, month: month(when) });
  }
  const cells = new Map<string, number>();
  for (const a of acquired.values())
    cells.set(`${a.channel}|${a.month}`, (cells.get(`${a.channel}|${a.month}`) ?? 0) + 1);

  // Spend per (channel, month), each row pro-rated by days, months cut at the as-of date.
  const asOfDay = parseDay(asOf)!;
  const spend = new Map<string, number>();
  for (const s of parseCsvObjects(readFileSync(ws.files['marketing_spend']!, 'utf8'))) {
    const ps = parseDay(s['period_start']!)!;
    const pe = parseDay(s['period_end']!)!;
    const length = pe - ps + 1;
    for (let d = ps; d <= Math.min(pe, asOfDay); d++) {
      const key = `${s['channel']!}|${formatDay(d).slice(0, 7)}`;
      spend.set(key, (spend.get(key) ?? 0) + Number(s['spend']) / length);
    }
  }
  const channels = new Set([
    ...[...cells.keys()].map((k) => k.split('|')[0]!),
    ...[...spend.keys()].map((k) => k.split('|')[0]!),
  ]);
  const months = new Set([
    ...[...cells.keys()].map((k) => k.split('|')[1]!),
    ...[...spend.keys()].map((k) => k.split('|')[1]!),
  ]);
  const cacBy = (match: (channel: string, month: string) => boolean) => {
    let total = 0;
    let paid = 0;
    let any = false;
    for (const [k, v] of spend) {
      const [c, m] = k.split('|') as [string, string];
      if (!match(c, m)) continue;
      any = true;
      total += v;
      paid += cells.get(k) ?? 0;
    }
    return { spend: any ? total : null, paid, cac: any && paid > 0 ? total / paid : null };
  };
  const byChannel = new Map([...channels].map((c) => [c, cacBy((x) => x === c)]));
  const byCohort = new Map([...months].map((m) => [m, cacBy((_, x) => x === m)]));

  // Payback per channel: margin of completed orders per paid customer by months since acquisition.
  const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
  const lastComplete = monthIndex(asOf) - (formatDay(asOfDay + 1).endsWith('-01') ? 0 : 1);
  const payback = new Map<string, number | null>();
  for (const channel of channels) {
    const cac = byChannel.get(channel)!.cac;
    if (cac === null) continue;
    const paid = [...acquired].filter(
      ([, a]) => a.channel === channel && spend.has(`${a.channel}|${a.month}`),
    );
    const ids = new Map(paid.map(([id, a]) => [id, monthIndex(a.month)]));
    const value = new Map<string, number[]>();
    for (const o of orders) {
      const a = ids.get(o['customer_id']!);
      if (a === undefined) continue;
      const k = Math.max(0, monthIndex(month(day(o['ordered_at']!))) - a);
      const list = value.get(o['customer_id']!) ?? [];
      list[k] = (list[k] ?? 0) + Number(o['revenue']) - Number(o['cost']);
      value.set(o['customer_id']!, list);
    }
    let found: number | null = null;
    for (let k = 1; k <= 60 && found === null; k++) {
      let n = 0;
      let sum = 0;
      for (const [id, a] of ids) {
        if (a + k - 1 > lastComplete) continue;
        n++;
        const list = value.get(id) ?? [];
        for (let j = 0; j < k; j++) sum += list[j] ?? 0;
      }
      if (n > 0 && sum / n >= cac) found = k;
    }
    payback.set(channel, found);
  }
  return { byChannel, byCohort, payback, customers: acquired.size };
}

const close = (actual: number | null | undefined, expected: number | null, what: string) => {
  if (expected === null) expect(actual, what).toBeNull();
  else
    expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(
      1e-6 * Math.max(1, Math.abs(expected)),
    );
};

describe('segtrack economics', () => {
  let byChannel: EconomicsResult;
  let ref: ReturnType<typeof reference>;
  beforeAll(async () => {
    byChannel = jsonOf<EconomicsResult>(await runCli(['economics', '--config', ws.config, '--json']));
    ref = reference(byChannel.as_of);
  });

  it('CAC per channel equals the independent computation over the CSV rows', () => {
    expect(byChannel.by).toBe('channel');
    const channels = byChannel.groups.map((g) => g.group).sort();
    expect(channels).toEqual([...ref.byChannel.keys()].sort());
    for (const g of byChannel.groups) {
      const r = ref.byChannel.get(g.group)!;
      close(g.spend, r.spend, `${g.group} spend`);
      close(g.cac, r.cac, `${g.group} CAC`);
      expect(g.paid_customers, g.group).toBe(r.paid);
    }
    close(
      byChannel.total.spend,
      [...ref.byChannel.values()].reduce((s, r) => s + (r.spend ?? 0), 0),
      'total spend',
    );
    expect(byChannel.total.customers).toBe(ref.customers);
  });

  it('a channel without spend has CAC unknown, not 0; spend without customers is shown', () => {
    const organic = byChannel.groups.find((g) => g.group === 'organic')!;
    expect(organic.customers).toBeGreaterThan(0);
    expect(organic.paid_customers).toBe(0);
    expect(organic.spend).toBeNull();
    expect(organic.cac).toBeNull();
    expect(organic.clv_cac).toBeNull();
    expect(organic.payback_months).toBeNull();
    const tv = byChannel.groups.find((g) => g.group === 'tv')!;
    expect(tv).toMatchObject({ customers: 0, paid_customers: 0, cac: null, suppressed: false });
    expect(tv.spend).toBeCloseTo(5000, 6);
  });

  it('payback per channel equals the independent computation', () => {
    expect(byChannel.payback_basis).toBe('margin');
    expect(ref.payback.size).toBeGreaterThanOrEqual(4);
    expect(
      [...ref.payback.values()].some((m) => m !== null && m > 1),
      'some channel takes more than a month',
    ).toBe(true);
    for (const [channel, months] of ref.payback) {
      const g = byChannel.groups.find((x) => x.group === channel)!;
      expect(g.payback_months, channel).toBe(months);
    }
  });

  it('uses predicted CLV when the models ran, and CLV:CAC = CLV per paid customer ÷ CAC', () => {
    expect(byChannel.clv_basis).toBe('predicted_clv');
    const paid = byChannel.groups.find((g) => g.group === 'paid_search')!;
    expect(paid.clv_cac).toBeCloseTo(paid.clv! / paid.cac!, 9);
    expect(paid.clv).toBeCloseTo(paid.predicted_clv!, 9);
  });

  it('CAC per acquisition cohort equals the independent computation', async () => {
    const engine = await openWorkspace(ws.workspace);
    let r: EconomicsResult;
    try {
      r = await unitEconomics(engine, { by: 'cohort', minSegmentSize: 10 });
    } finally {
      await engine.close();
    }
    let compared = 0;
    for (const g of r.groups) {
      const x = ref.byCohort.get(g.group);
      expect(x, g.group).toBeDefined();
      if (g.suppressed) continue;
      close(g.spend, x!.spend, `${g.group} spend`);
      close(g.cac, x!.cac, `${g.group} CAC`);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
    // The row past the as-of date counts only up to it: 2026-06 holds 900 × (days to the as-of) / 30 of it.
    const june = r.groups.find((g) => g.group === '2026-06');
    expect(june?.spend).toBeGreaterThan(0);
  });

  it('per segment: CAC is the mean of its customers’ CAC (the KPI), small segments are suppressed', async () => {
    const r = jsonOf<EconomicsResult>(
      await runCli(['economics', '--config', ws.config, '--by', 'segment', '--scheme', 'tiny', '--json']),
    );
    expect(r.groups.map((g) => g.group).sort()).toEqual(['Everyone else', 'Three']);
    // The 3-customer segment is hidden, and with it the other (the total would give it away).
    for (const g of r.groups) {
      expect(g.suppressed, g.group).toBe(true);
      expect(g.customers).toBeNull();
      expect(g.cac).toBeNull();
    }
    const rfm = jsonOf<EconomicsResult>(
      await runCli(['economics', '--config', ws.config, '--by', 'segment', '--scheme', 'rfm', '--json']),
    );
    const engine = await openWorkspace(ws.workspace);
    try {
      const kpis = await engine.query<{ segment: string; value: number | null }>(
        `SELECT segment, value FROM snapshot_kpis WHERE scheme = 'rfm' AND kpi = 'cac'`,
      );
      let compared = 0;
      for (const g of rfm.groups) {
        if (g.suppressed) continue;
        const k = kpis.find((x) => x.segment === g.group);
        close(g.cac, k?.value ?? null, `${g.group} CAC vs the KPI`);
        compared++;
      }
      expect(compared).toBeGreaterThan(5);
    } finally {
      await engine.close();
    }
  });

  it('reports the ROI of an intervention when --effect and --cost are given', async () => {
    const r = jsonOf<EconomicsResult>(
      await runCli([
        'economics',
        '--config',
        ws.config,
        '--effect',
        '4',
        '--cost',
        '2500',
        '--customers',
        '1000',
        '--json',
      ]),
    );
    expect(r.intervention).toEqual({
      effect_per_customer: 4,
      customers: 1000,
      cost: 2500,
      incremental_value: 4000,
      net_value: 1500,
      roi: 0.6,
    });
    const bad = await runCli(['economics', '--config', ws.config, '--effect', '4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--effect and --cost go together');
  });

  it('prints a readable table', async () => {
    const r = await runCli(['economics', '--config', ws.config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Unit economics by channel');
    expect(r.stdout).toMatch(/organic\s+[\d,]+\s+0\s+—\s+unknown/);
  });
});
