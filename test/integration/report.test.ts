/**
 * The HTML report (`segtrack report --out FILE.html`) on a real workspace with four snapshots, a
 * model fit and a holdout validation: its numbers are the library's (the functions the REST API
 * calls), a suppressed segment's figures never reach it, hostile segment names are escaped, it
 * references nothing outside itself, and it renders every chart in Chromium with networking off.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { generate } from '../../src/generate/generate.js';
import type { ShownSegmentRow } from '../../src/privacy/suppress-segments.js';
import {
  resolveSnapshot,
  segmentTable,
  shownSegmentTable,
  type SegmentRow,
} from '../../src/snapshot/read.js';
import { formatKpi } from '../../src/views/format.js';
import { overview, type Overview } from '../../src/views/overview.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { launchChromium } from '../helpers/chromium.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('segtrack-report-');
const HOSTILE = '<script>alert(1)</script> & "x"';
const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;';
const SMALL = "Few 'big' spenders";
const THRESHOLD = 25;
const SCHEMES = ['hostile', 'rfm'];

let configPath: string;
let reportPath: string;
let page: string;
let printed: unknown;
let expected: {
  overview: Overview;
  tables: Record<string, { segments: ShownSegmentRow[]; base: SegmentRow }>;
  /** The small segment as stored, before suppression. */
  small: SegmentRow;
};

/** The config of a workspace over the generated files. */
function configText(workspace: string, files: Record<string, string | undefined>): string {
  return stringify({
    workspace,
    currency: 'GBP',
    sources: Object.fromEntries(
      ['customers', 'orders', 'events', 'marketing_spend', 'feedback']
        .filter((t) => files[t] !== undefined)
        .map((t) => [t, { file: files[t] }]),
    ),
    segments: [
      {
        name: 'hostile',
        type: 'rules',
        rules: [
          { segment: HOSTILE, where: 'orders_365d >= 2' },
          { segment: SMALL, where: 'revenue_365d >= 400' },
          { segment: 'One order', where: 'orders_365d = 1' },
        ],
        default: 'Everyone <else>',
      },
      { name: 'rfm', type: 'rfm' },
    ],
    privacy: { min_segment_size: THRESHOLD },
  });
}

async function cli(args: string[]): Promise<void> {
  const r = await runCli([...args, '--config', configPath]);
  expect(r.code, `segtrack ${args.join(' ')}: ${r.stderr}`).toBe(0);
}

beforeAll(async () => {
  // Eighteen months of history, so that monthly cohorts are large enough to be shown.
  const generated = await generate({ out: tmp.path('data'), customers: 600, seed: 11, start: '2025-01-01' });
  configPath = tmp.write('segtrack.yaml', configText(tmp.path('ws.duckdb'), generated.files));
  tmp.write('empty.yaml', configText(tmp.path('empty.duckdb'), generated.files));
  await cli(['ingest']);
  await cli(['backfill', '--from', '2026-03-31', '--to', '2026-05-31', '--every', 'month']);
  await cli(['run']);
  await cli(['fit']);
  await cli(['validate', '--calibration-end', '2026-01-31']);
  reportPath = tmp.path('out/report.html');
  mkdirSync(tmp.path('out'));
  printed = jsonOf<unknown>(await runCli(['report', '--config', configPath, '--out', reportPath, '--json']));
  page = readFileSync(reportPath, 'utf8');
  const config = await loadConfig(configPath);
  const engine = await openWorkspace(tmp.path('ws.duckdb'));
  try {
    const latest = await resolveSnapshot(engine);
    const tables: typeof expected.tables = {};
    for (const s of SCHEMES) tables[s] = await shownSegmentTable(engine, latest, s, THRESHOLD);
    const raw = await segmentTable(engine, latest, 'hostile');
    expected = {
      overview: await overview(engine, config, THRESHOLD, { scheme: 'hostile' }),
      tables,
      small: raw.segments.find((s) => s.segment === SMALL)!,
    };
  } finally {
    await engine.close();
  }
}, 300_000);

afterAll(() => tmp.remove());

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The markup of a scheme's section. */
function section(scheme: string): string {
  const start = page.indexOf(`data-scheme="${scheme}"`);
  expect(start, `section of ${scheme}`).toBeGreaterThan(0);
  return page.slice(start, page.indexOf('</section>', start));
}

/** The segment rows of a section's table: name → class and markup. */
function rows(markup: string): Map<string, { cls: string; body: string }> {
  const out = new Map<string, { cls: string; body: string }>();
  for (const m of markup.matchAll(/<tr(?: class="([^"]*)")? data-segment="([^"]*)"[^>]*>([\s\S]*?)<\/tr>/g))
    if (!out.has(unescape(m[2]!))) out.set(unescape(m[2]!), { cls: m[1] ?? '', body: m[3]! });
  return out;
}

/** The cells of a row that carry a KPI: kpi → its data-value (undefined when none) and its text. */
function cells(body: string): Map<string, { value: number | undefined; text: string }> {
  const out = new Map<string, { value: number | undefined; text: string }>();
  for (const m of body.matchAll(
    /<td class="num" data-kpi="([^"]+)"(?: data-value="([^"]*)")?[^>]*>([\s\S]*?)<\/td>/g,
  ))
    out.set(m[1]!, {
      value: m[2] === undefined ? undefined : Number(m[2]),
      text: unescape(m[3]!.replace(/<span class="ci">[\s\S]*?<\/span>/g, '').replace(/<[^>]+>/g, '')).trim(),
    });
  return out;
}

describe('segtrack report', () => {
  it('prints {"out": FILE} and writes one HTML document', () => {
    expect(printed).toEqual({ out: reportPath });
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('Customer segments and KPIs');
    expect(page).toContain(`As of <strong>${expected.overview.snapshot.as_of}</strong>`);
    expect(readdirSync(tmp.path('out'))).toEqual(['report.html']);
  });

  it("shows each segment's customers and revenue as shownSegmentTable gives them, and the headline as overview()", () => {
    for (const scheme of SCHEMES) {
      const table = expected.tables[scheme]!;
      const shown = rows(section(scheme));
      expect([...shown.keys()]).toEqual(table.segments.map((s) => s.segment));
      for (const s of table.segments) {
        const row = shown.get(s.segment)!;
        if (s.suppressed) {
          expect(row.cls).toBe('suppressed');
          continue;
        }
        const c = cells(row.body);
        expect(c.get('customers')?.value, `${scheme}/${s.segment} customers`).toBe(s.customers);
        expect(c.get('revenue')?.value ?? null, `${scheme}/${s.segment} revenue`).toBe(
          s.kpis['revenue']!.value,
        );
        expect(c.get('revenue')?.text).toBe(formatKpi(s.kpis['revenue']!.value, 'currency', 'GBP'));
      }
      const base = /<tr class="base">([\s\S]*?)<\/tr>/.exec(section(scheme))![1]!;
      expect(cells(base).get('customers')?.value).toBe(table.base.customers);
      expect(cells(base).get('revenue')?.value).toBe(table.base.kpis['revenue']!.value);
    }
    expect(expected.overview.headline.length).toBeGreaterThan(5);
    for (const h of expected.overview.headline) {
      const m = new RegExp(
        `<div class="card" data-kpi="${h.kpi}"(?: data-value="([^"]*)")?>\\s*<div class="kpi-name">[^<]*</div>\\s*<div class="kpi-value">([^<]*)</div>`,
      ).exec(page);
      expect(m, `card ${h.kpi}`).not.toBeNull();
      expect(m![1] === undefined ? null : Number(m![1]), `headline ${h.kpi}`).toBe(h.value);
      expect(unescape(m![2]!)).toBe(formatKpi(h.value, h.unit, 'GBP'));
    }
  });

  it("never shows a suppressed segment's figures", () => {
    const small = expected.small;
    expect(small.customers, 'the fixture has a small segment').toBeGreaterThan(0);
    expect(small.customers).toBeLessThan(THRESHOLD);
    const row = rows(section('hostile')).get(SMALL)!;
    expect(row.cls).toBe('suppressed');
    const text = unescape(row.body.replace(/<[^>]+>/g, ' '));
    expect(text).toContain(`suppressed (fewer than ${THRESHOLD} customers)`);
    expect(text.replace(String(THRESHOLD), '')).not.toMatch(/\d/);
    // No element about the segment carries a value, and its stored figures appear nowhere.
    const escaped = 'Few &#39;big&#39; spenders';
    for (const m of page.matchAll(new RegExp(`<[^>]*data-segment="${escaped}"[^>]*>`, 'g')))
      expect(m[0]).not.toContain('data-value');
    const revenue = small.kpis['revenue']!.value!;
    expect(revenue).toBeGreaterThan(0);
    expect(page).not.toContain(String(revenue));
    expect(page).not.toContain(formatKpi(revenue, 'currency', 'GBP'));
    expect(page).not.toContain(formatKpi(revenue, 'currency', 'GBP', { compact: true }));
    // The bar chart names it with the reason and draws no bar for it.
    expect(page).not.toMatch(new RegExp(`<title>${escaped} — `));
    // The complementary one is hidden too, and says why.
    const complementary =
      /<tr class="suppressed" data-segment="[^"]*" data-suppressed="complementary">([\s\S]*?)<\/tr>/.exec(
        section('hostile'),
      );
    expect(complementary?.[1]).toContain('cannot be worked out from the total');
  });

  it('escapes hostile segment names everywhere', () => {
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toMatch(/<script/i);
    // The table, the bar chart, the highlights, the trend's legend.
    expect(page.split(HOSTILE_ESCAPED).length - 1).toBeGreaterThanOrEqual(4);
    expect(page).toContain('Everyone &lt;else&gt;');
    expect(page).toContain('Few &#39;big&#39; spenders');
  });

  it('references nothing outside itself', () => {
    expect(page).not.toMatch(/https?:\/\//i);
    for (const m of page.matchAll(/\s(?:src|href|xlink:href|action|srcset|poster)\s*=\s*"([^"]*)"/gi))
      expect(m[1], `attribute ${m[0]}`).toMatch(/^#[\w-]+$/);
    expect(page).not.toMatch(/<(link|img|iframe|object|embed|script|base)\b/i);
    expect(page).not.toMatch(/@import|@font-face/i);
    for (const m of page.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^#[\w-]+$/);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('renders every chart in Chromium with networking disabled', async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
      await context.route('**/*', (route) =>
        route.request().url().startsWith('file://') ? route.continue() : route.abort(),
      );
      const tab = await context.newPage();
      const requests: string[] = [];
      const failed: string[] = [];
      const errors: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      tab.on('requestfailed', (r) => failed.push(r.url()));
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
      const charts = tab.locator('svg[role="img"]');
      const n = await charts.count();
      const kinds = new Set<string>();
      for (let i = 0; i < n; i++) {
        const chart = charts.nth(i);
        const kind = (await chart.getAttribute('data-chart')) ?? '';
        kinds.add(kind);
        expect(
          (await chart.getAttribute('aria-label'))?.length,
          `chart ${i} (${kind}) aria-label`,
        ).toBeGreaterThan(20);
        const box = await chart.boundingBox();
        expect(box && box.width > 0 && box.height > 0, `chart ${i} (${kind}) is laid out`).toBe(true);
        const marks = chart.locator('path, rect');
        expect(await marks.count(), `chart ${i} (${kind}) has marks`).toBeGreaterThan(0);
        let drawn = 0;
        for (let j = 0; j < Math.min(await marks.count(), 5); j++) {
          const b = await marks.nth(j).boundingBox();
          if (b && (b.width > 0 || b.height > 0)) drawn++;
        }
        expect(drawn, `chart ${i} (${kind}) draws visible marks`).toBeGreaterThan(0);
      }
      expect([...kinds].sort()).toEqual(['bar', 'column', 'heatmap', 'line', 'sparkline']);
      // Sparklines per headline KPI with a series, a bar chart per scheme, the trend, the
      // tracking curve, the frequency chart and the heatmap.
      expect(n).toBeGreaterThanOrEqual(SCHEMES.length + 4 + 5);
      const artifacts = join(import.meta.dirname, '..', '..', 'test-artifacts');
      mkdirSync(artifacts, { recursive: true });
      await tab.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('says what is missing: no snapshots (an error), one snapshot, no models', async () => {
    const empty = tmp.path('empty.yaml');
    const out = tmp.path('empty.html');
    expect((await runCli(['ingest', '--config', empty])).code).toBe(0);
    const none = await runCli(['report', '--config', empty, '--out', out]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no snapshots yet \[no_snapshots\]/);
    expect(none.stderr).toMatch(/hint: run `segtrack run`/);
    expect(existsSync(out)).toBe(false);
    expect((await runCli(['run', '--config', empty])).code).toBe(0);
    jsonOf<unknown>(await runCli(['report', '--config', empty, '--out', out, '--json', '--scheme', 'rfm']));
    const one = readFileSync(out, 'utf8');
    expect(one).toContain('The models were not fitted');
    expect(one).toContain('Only one snapshot so far');
    expect(one).toContain('so there is no trend yet');
    expect(one).toContain('data-scheme="rfm"');
    expect(one).not.toContain('data-scheme="hostile"');
  });

  it('refuses an output it cannot write, with a hint, and leaves an earlier report whole', async () => {
    const missing = await runCli(['report', '--config', configPath, '--out', tmp.path('nowhere/r.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist \[unwritable_output\]/);
    expect(missing.stderr).toMatch(/hint: create it first/);
    const folder = await runCli(['report', '--config', configPath, '--out', tmp.path('out')]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/it is a folder \[unwritable_output\]/);
    const noFlag = await runCli(['report', '--config', configPath]);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toMatch(/--out/);
    // A run that fails leaves the earlier file as it was and no temporary file beside it.
    writeFileSync(tmp.path('out/old.html'), 'earlier report');
    const typo = await runCli([
      'report',
      '--config',
      configPath,
      '--out',
      tmp.path('out/old.html'),
      '--scheme',
      'rfn',
    ]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean 'rfm'/);
    expect(readFileSync(tmp.path('out/old.html'), 'utf8')).toBe('earlier report');
    expect(readdirSync(tmp.path('out')).sort()).toEqual(['old.html', 'report.html']);
  });
});
