/**
 * The built dashboard in Debian's Chromium (playwright-core, no browser download) against a real
 * server on a demo workspace: every page loads without console errors and with its charts drawn,
 * the numbers shown are the API's (written as the dashboard's own formatter writes them), the
 * scheme picker and a segment drill-down work, the controls work from the keyboard, the layout
 * holds at laptop and large-monitor widths, and a viewer token sees no member-level data.
 * Screenshots of every page go to test-artifacts/dashboard/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runDemo } from '../../src/demo/demo.js';
import type { Engine } from '../../src/engine/engine.js';
import type {
  Clusters,
  Cohorts,
  Kpis,
  Migration,
  Models,
  Overview,
  Quality,
  SegmentDetail,
  SegmentTable,
} from '../../src/server/api-types.js';
import { buildServer } from '../../src/server/app.js';
import { createToken } from '../../src/server/tokens.js';
import { formatKpi, formatNumber } from '../../src/views/format.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { launchChromium } from '../helpers/chromium.js';
import { DASHBOARD_DIR, ensureDashboardBuilt } from '../helpers/dashboard-build.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-dashboard-');
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
let engine: Engine;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let unit: (kpi: string) => string;
const CURRENCY = 'GBP';
/** What the browser reported as wrong on the current page. */
let problems: string[] = [];

/** GET from the API as the dashboard's caller (loopback: no token while none exists). */
async function api<T>(path: string, token?: string): Promise<T> {
  const res = await fetch(
    `${base}/api/v1${path}`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Opens a page, waits until nothing is loading, checks it drew its charts and reported no error. */
async function open(path: string, shot: string, p: Page = page): Promise<void> {
  problems = [];
  await p.goto(`${base}${path}`);
  await p.locator('main h1').first().waitFor();
  await p.waitForLoadState('networkidle');
  await p.waitForFunction(() => document.querySelector('.state-loading') === null);
  const charts = await p.locator('figure.chart > svg').evaluateAll((svgs) =>
    svgs.map((s) => {
      const r = s.getBoundingClientRect();
      return { w: r.width, h: r.height, marks: s.querySelectorAll('path, rect, circle').length };
    }),
  );
  for (const c of charts) {
    expect(c.w, `${path}: a chart has no width`).toBeGreaterThan(100);
    expect(c.h, `${path}: a chart has no height`).toBeGreaterThan(20);
    expect(c.marks, `${path}: a chart drew nothing`).toBeGreaterThan(0);
  }
  await p.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  expect(problems, `${path}: console errors: ${problems.join(' | ')}`).toEqual([]);
  expect(await p.locator('[data-testid="error"]').count(), `${path}: an error state is shown`).toBe(0);
}

function watch(p: Page): void {
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  p.on('pageerror', (e) => problems.push(e.message));
  p.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureDashboardBuilt();
  const demo = await runDemo({ dir: tmp.path('demo'), customers: 3000, seed: 7 });
  engine = await openWorkspace(demo.workspace);
  app = await buildServer(engine, {
    config: await loadConfig(demo.config),
    dashboardDir: DASHBOARD_DIR,
    strictResponses: true,
    log: (m) => problems.push(`server: ${m}`),
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const kpis = await api<Kpis>('/kpis');
  unit = (k) => kpis.kpis.find((x) => x.name === k)?.unit ?? 'value';
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  watch(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await engine?.close();
  tmp.remove();
});

describe('the dashboard', () => {
  it('opens on the overview with the API’s headline KPIs and their changes', async () => {
    await open('/', 'overview');
    const o = await api<Overview>('/overview');
    expect(o.headline.length).toBeGreaterThan(5);
    for (const k of o.headline) {
      const card = page.getByTestId(`kpi-card-${k.kpi}`);
      expect(await card.locator('.kpi-card-value').textContent(), k.kpi).toBe(
        formatKpi(k.value, k.unit, CURRENCY),
      );
      expect(Number(await card.getAttribute('data-value'))).toBe(k.value);
      if (k.series.length > 1) expect(await card.locator('svg.sparkline path').count()).toBe(1);
    }
    const top = o.highlights!.most_valuable[0]!;
    await expect(page.getByTestId('most-valuable').locator('a').first().textContent()).resolves.toBe(
      top.segment,
    );
  });

  it('shows the segment table the API serves, and the scheme picker switches scheme', async () => {
    await open('/segments', 'segments');
    const check = async (scheme: string) => {
      const t = await api<SegmentTable>(`/schemes/${scheme}/segments`);
      const rows = page.getByTestId('segments').locator('tbody tr');
      expect(await rows.count()).toBe(t.segments.length);
      for (const s of t.segments) {
        const row = page.getByTestId('segments').locator(`tbody tr[data-row="${s.segment}"]`);
        const customers = (await row.locator('td[data-col="customers"]').textContent())!;
        expect(customers, `${scheme}/${s.segment}`).toBe(
          s.suppressed ? 'suppressed' : formatNumber(s.customers),
        );
        for (const cell of await row.locator('.kpi-value').all()) {
          const kpi = (await cell.getAttribute('data-kpi'))!;
          const value = s.kpis[kpi]!.value!;
          expect(Number(await cell.getAttribute('data-value')), `${s.segment} ${kpi}`).toBe(value);
          expect((await cell.locator('.v').textContent())!.replace(/[▲▼]/g, '')).toBe(
            formatKpi(value, unit(kpi), CURRENCY),
          );
        }
      }
      const baseRow = page.getByTestId('segments').locator('tfoot tr td[data-col="customers"]');
      expect(await baseRow.textContent()).toBe(formatNumber(t.base.customers));
    };
    await check('rfm');
    await page.getByTestId('scheme-picker').selectOption('lifecycle');
    await page.waitForURL(/scheme=lifecycle/);
    await page.waitForFunction(() => document.querySelector('.state-loading') === null);
    await check('lifecycle');
    await page.screenshot({ path: join(ARTIFACTS, 'segments-lifecycle.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('sorts from the keyboard and shows KPI definitions where KPIs are shown', async () => {
    await open('/segments?scheme=rfm', 'segments-rfm');
    const header = page.getByTestId('segments').locator('th').nth(1);
    await header.locator('button.sort').focus();
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const sizes = await page
      .getByTestId('segments')
      .locator('tbody td[data-col="customers"] [data-value]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const kpis = await api<Kpis>('/kpis');
    const info = page.getByRole('button', { name: 'Definition of AOV' }).first();
    await info.focus();
    await page.keyboard.press('Enter');
    const def = page.locator('.definition').first();
    await def.waitFor();
    expect(await def.textContent()).toContain(kpis.kpis.find((k) => k.name === 'aov')!.formula);
    await page.keyboard.press('Escape');
    expect(await page.locator('.definition').count()).toBe(0);
  });

  it('drills down into a segment: its KPIs, profile, trend, recommendation and members', async () => {
    await open('/segments?scheme=rfm', 'segments-before-drill');
    const t = await api<SegmentTable>('/schemes/rfm/segments');
    const target = t.segments.find((s) => !s.suppressed && (s.customers ?? 0) > 60)!;
    await page.getByTestId('segments').getByRole('link', { name: target.segment, exact: true }).click();
    await page.waitForURL(`**/segments/rfm/${encodeURIComponent(target.segment)}`);
    await page.waitForFunction(() => document.querySelector('.state-loading') === null);
    await page.waitForLoadState('networkidle');
    const d = await api<SegmentDetail>(`/schemes/rfm/segments/${encodeURIComponent(target.segment)}`);
    expect(await page.locator('main h1').textContent()).toBe(target.segment);
    expect(Number(await page.getByTestId('detail-customers').getAttribute('data-value'))).toBe(
      d.segment.customers,
    );
    expect(d.profile.available).toBe(true);
    expect(await page.getByTestId('profile-chart').locator('rect').count()).toBeGreaterThan(0);
    for (const k of Object.keys(d.base.kpis)) {
      const cell = page.getByTestId('detail-kpis').locator(`tr[data-row="${k}"] .kpi-value`);
      if ((await cell.count()) > 0)
        expect(Number(await cell.getAttribute('data-value'))).toBe(d.segment.kpis[k]!.value);
    }
    await page.getByTestId('trend-chart').waitFor();
    expect(await page.getByTestId('recommendation').textContent()).toMatch(/\S/);
    await page.getByTestId('show-members').click();
    await page.getByTestId('member-list').waitFor();
    expect(await page.getByTestId('member-list').locator('li').count()).toBe(
      Math.min(50, d.segment.customers!),
    );
    const download = page.waitForEvent('download');
    await page.getByTestId('export').click();
    const file = await (await download).path();
    const status = (await page.getByRole('status').filter({ hasText: 'Exported' }).textContent())!;
    const exported = Number(/Exported ([\d,]+)/.exec(status)![1]!.replace(/,/g, ''));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toContain('customer_id');
    expect(lines.length - 1).toBe(exported);
    await page.screenshot({ path: join(ARTIFACTS, 'segment-detail.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows clusters, models, cohorts, migration, comparisons, data quality, alerts and definitions as the API computes them', async () => {
    await open('/clusters', 'clusters');
    const c = await api<Clusters>('/schemes/clusters/clusters');
    const sizes = await page
      .getByTestId('cluster-size')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(sizes).toEqual(c.clusters.filter((k) => !k.suppressed).map((k) => k.customers));

    await open('/value', 'value-and-churn');
    const m = await api<Models>('/models');
    const r = page.getByTestId('model-fit').first().getByTestId('params-bgnbd').locator('td[data-value]');
    expect(await r.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))).toEqual(
      Object.values(m.fit!.purchase_model!.params),
    );
    expect(await page.getByTestId('holdout-actual').textContent()).toBe(
      formatNumber(m.validate!.holdout!.actual_repeat_transactions),
    );
    await page.getByTestId('tracking-chart').waitFor();

    await open('/cohorts', 'cohorts');
    const co = await api<Cohorts>('/cohorts?metric=retention&period=month');
    for (const row of co.cohorts.slice(0, 6)) {
      const cells = await page
        .locator(`[data-testid="cohort-heatmap"] tr[data-row="${row.cohort}"] td.cell`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
      expect(cells.map((v) => (v === '' || v === null ? null : Number(v)))).toEqual(row.values);
    }

    await open('/migration', 'migration');
    const mi = await api<Migration>('/schemes/rfm/migration');
    const shown = await page
      .getByTestId('migration-matrix')
      .locator('td[data-value]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
    expect(
      shown
        .filter((v) => v !== '')
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(
      mi.matrix
        .filter((x) => x.customers !== null)
        .map((x) => x.customers!)
        .sort((a, b) => a - b),
    );
    await page.getByTestId('flow-chart').waitFor();
    const flows = (only: boolean) =>
      mi.matrix.filter((x) => x.customers !== null && x.customers > 0 && (!only || x.from !== x.to)).length;
    expect(await page.locator('[data-testid="flow-chart"] path.flow').count()).toBe(flows(false));
    await page.getByTestId('movers-only').check();
    expect(await page.locator('[data-testid="flow-chart"] path.flow').count()).toBe(flows(true));

    await open('/compare', 'compare');
    const rows = await page.getByTestId('before-after-table').locator('tbody tr').count();
    expect(rows).toBe((await api<SegmentTable>('/schemes/rfm/segments')).segments.length + 1);

    await open('/quality', 'data-quality');
    const q = await api<Quality>('/quality');
    for (const s of ['error', 'warning', 'info'] as const)
      expect(Number(await page.getByTestId(`quality-${s}`).getAttribute('data-value'))).toBe(q.summary[s]);

    await open('/alerts', 'alerts');
    expect(await page.getByTestId('empty').count()).toBe(1);

    await open('/kpis', 'kpi-definitions');
    expect(await page.getByTestId('kpi-definitions').locator('tbody tr').count()).toBe(
      (await api<Kpis>('/kpis')).kpis.length,
    );
  });

  it('runs a difference-in-differences comparison for an analyst', async () => {
    await open('/compare', 'compare-form');
    const o = await api<Overview>('/overview');
    await page.getByLabel('Action started on').fill(o.previous!.as_of);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByTestId('did-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('did-result').textContent()).toMatch(/Effect:/);
    await page.screenshot({ path: join(ARTIFACTS, 'compare-did.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('fits laptop and large-monitor widths without sideways scrolling', async () => {
    for (const [w, h] of [
      [1366, 768],
      [2560, 1440],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const path of ['/', '/segments', '/cohorts']) {
        await open(path, `${path === '/' ? 'overview' : path.slice(1)}-${w}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} at ${w}px`).toBeLessThanOrEqual(0);
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('asks for a token once tokens exist, and shows a viewer no member-level data', async () => {
    const viewer = await createToken(engine, 'viewer');
    const p = await context.newPage();
    watch(p);
    await p.goto(`${base}/`);
    await p.getByText('This dashboard needs a token').waitFor();
    // The refusal is expected here; what follows must be clean.
    problems = [];
    await p.getByLabel('API token').fill(viewer.token);
    await p.getByRole('button', { name: 'Use token' }).click();
    await p.getByTestId('headline').waitFor();
    expect(await p.locator('.role').textContent()).toBe('viewer');
    const t = await api<SegmentTable>('/schemes/rfm/segments', viewer.token);
    const target = t.segments.find((s) => !s.suppressed)!;
    await open(`/segments/rfm/${encodeURIComponent(target.segment)}`, 'segment-detail-viewer', p);
    expect(await p.getByTestId('show-members').count()).toBe(0);
    expect(await p.getByTestId('export').count()).toBe(0);
    expect(await p.locator('main').textContent()).toContain('need an analyst or admin token');
    const members = await fetch(
      `${base}/api/v1/schemes/rfm/segments/${encodeURIComponent(target.segment)}/members`,
      { headers: { authorization: `Bearer ${viewer.token}` } },
    );
    expect(members.status).toBe(403);
    await open('/quality', 'data-quality-viewer', p);
    expect(await p.locator('details pre').count()).toBe(0);
    await open('/compare', 'compare-viewer', p);
    expect(await p.getByTestId('did').count()).toBe(0);
    await p.close();
  });
});
