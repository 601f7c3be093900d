/**
 * Hostile values (issue 6): quotes, semicolons, SQL keywords, path traversal, huge strings,
 * control characters and the like, fed through file contents, config values, rule expressions,
 * source SQL snippets and command-line values. Nothing is injected (every table keeps its rows),
 * nothing crashes (exit code 0 or 2, never an internal error), and bad input gets a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { runCli, type CliRun } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const HOSTILE = [
  "'; DROP TABLE customers; --",
  '"; DROP TABLE orders; --',
  "x' OR '1'='1",
  "Robert'); DROP TABLE orders;--",
  'SELECT * FROM customers',
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  'nul\u0000ctl\u0001esc\u001b[31m',
  'h'.repeat(100_000),
  '$1 $2 ? :name',
  '__proto__',
  '🙂 \u202eRTL',
  "\\'escaped\\'",
  'line1\nline2\r\nline3',
  '/* comment */ --',
];

const tmp = makeTempDir('segtrack-fuzz-');
afterAll(() => tmp.remove());
let workspace: string;

function csvField(v: string): string {
  return `"${v.replaceAll('"', '""')}"`;
}

/** Every canonical table's row count: what an injection would change. */
async function counts(): Promise<Record<string, number>> {
  const engine = await openWorkspace(workspace);
  try {
    const out: Record<string, number> = {};
    for (const t of ['customers', 'orders', 'snapshots', 'snapshot_members']) {
      const [r] = await engine.query(`SELECT COUNT(*) AS n FROM ${t}`);
      out[t] = Number(r!['n']);
    }
    return out;
  } finally {
    await engine.close();
  }
}

/** The run ended as a user error or a success — never an internal error or a stack trace. */
function handled(r: CliRun, what: string): void {
  expect([0, 2], `${what}: exit ${r.code}, stderr ${r.stderr.slice(0, 300)}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
}

function config(extra: Record<string, unknown>, name: string): string {
  return tmp.write(
    `${name}.yaml`,
    stringify({
      workspace,
      sources: { customers: { file: 'customers.csv' }, orders: { file: 'orders.csv' } },
      segments: [
        { name: 'city', type: 'dimension', column: 'city' },
        { name: 'channel', type: 'dimension', column: 'acquisition_channel' },
      ],
      ...extra,
    }),
  );
}

let base: string;
let before: Record<string, number>;

beforeAll(async () => {
  workspace = tmp.path('ws.duckdb');
  const customers = ['customer_id,created_at,city,acquisition_channel,gender'];
  const orders = ['order_id,customer_id,ordered_at,revenue'];
  HOSTILE.forEach((v, i) => {
    // The hostile value as an id, a city and a channel; ids stay unique.
    customers.push(
      [csvField(`${v.slice(0, 200)}#${i}`), '2024-01-01', csvField(v), csvField(v), csvField(v)].join(','),
    );
    orders.push([`o${i}`, csvField(`${v.slice(0, 200)}#${i}`), '2024-02-01', String(10 + i)].join(','));
  });
  for (let i = 0; i < 30; i++) {
    customers.push(`plain${i},2024-01-01,Leeds,email,female`);
    orders.push(`p${i},plain${i},2024-03-01,5`);
  }
  tmp.write('customers.csv', customers.join('\n') + '\n');
  tmp.write('orders.csv', orders.join('\n') + '\n');
  base = config({}, 'base');
  const ingested = await runCli(['ingest', '--config', base, '--json']);
  handled(ingested, 'ingest');
  expect(ingested.code).toBe(0);
  const run = await runCli(['run', '--config', base, '--json']);
  expect(run.code, run.stderr).toBe(0);
  before = await counts();
  expect(before['customers']).toBe(HOSTILE.length + 30);
});

describe('hostile values', () => {
  it('are stored and shown verbatim from file contents', async () => {
    const seg = await runCli(['segments', '--config', base, '--scheme', 'channel', '--json']);
    handled(seg, 'segments');
    const engine = await openWorkspace(workspace);
    try {
      const stored = await engine.query<{ city: string }>(`SELECT city FROM customers WHERE city <> 'Leeds'`);
      expect(new Set(stored.map((r) => r.city))).toEqual(new Set(HOSTILE.map((v) => v.trim())));
    } finally {
      await engine.close();
    }
    for (const v of HOSTILE.slice(0, 5)) {
      const members = await runCli(['members', '--config', base, '--scheme', 'city', '--segment', v]);
      handled(members, `members --segment ${JSON.stringify(v)}`);
    }
  });

  it('are harmless as command-line values', async () => {
    for (const v of HOSTILE) {
      handled(
        await runCli(['segments', '--config', base, '--scheme', v]),
        `segments --scheme ${v.slice(0, 40)}`,
      );
      handled(await runCli(['trend', '--config', base, '--scheme', 'city', '--kpi', v]), 'trend --kpi');
      handled(await runCli(['forget', '--config', base, '--customer', `${v}-unknown`]), 'forget');
      handled(
        await runCli([
          'export',
          '--config',
          base,
          '--scheme',
          'city',
          '--segment',
          v,
          '--out',
          tmp.path('x.csv'),
        ]),
        'export --segment',
      );
      handled(await runCli(['run', '--config', base, '--as-of', v]), 'run --as-of');
    }
    expect(await counts()).toEqual(before);
  });

  it('are harmless, or refused with a clear error, as config values, rule expressions and SQL snippets', async () => {
    for (const [i, v] of HOSTILE.entries()) {
      const variants: [string, Record<string, unknown>][] = [
        [
          'scheme and segment names',
          { segments: [{ name: v, type: 'rules', rules: [{ segment: v, where: 'true' }] }] },
        ],
        [
          'a rule expression',
          { segments: [{ name: 'r', type: 'rules', rules: [{ segment: 'x', where: v }] }] },
        ],
        ['a dimension column', { segments: [{ name: 'd', type: 'dimension', column: v }] }],
        ['a custom KPI', { kpis: { custom: [{ name: 'k', expression: v }] } }],
        ['a currency', { currency: v }],
        ['a source filter', { sources: { customers: { file: 'customers.csv', filter: v } } }],
        ['a column mapping', { sources: { customers: { file: 'customers.csv', columns: { city: v } } } }],
        ['a source file', { sources: { customers: { file: v } } }],
      ];
      for (const [what, extra] of variants) {
        const path = config(extra, `v${i}-${what.replaceAll(' ', '-')}`);
        const command = what.startsWith('a source') || what === 'a column mapping' ? 'ingest' : 'run';
        const r = await runCli([command, '--config', path]);
        handled(r, `${what} = ${JSON.stringify(v.slice(0, 40))}`);
        if (r.code === 2) expect(r.stderr.trim().length, what).toBeGreaterThan(0);
      }
    }
    const after = await counts();
    expect(after['customers']).toBe(before['customers']);
    expect(after['orders']).toBe(before['orders']);
  });

  it('cannot smuggle statements through source SQL snippets', async () => {
    for (const snippet of ['city); DROP TABLE orders; --', 'city -- rest', 'upper(city))', 'city /* x */']) {
      const r = await runCli([
        'ingest',
        '--config',
        config(
          { sources: { customers: { file: 'customers.csv', columns: { city: snippet } } } },
          `s${snippet.length}`,
        ),
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('this SQL snippet cannot be used');
    }
    expect((await counts())['orders']).toBe(before['orders']);
  });
});
