/**
 * Personal data at ingestion (issue 6): planted e-mail addresses, names and phone numbers —
 * in good rows, in a rejected row, in a duplicate, and in a line the CSV reader cannot read —
 * never reach the workspace (every column of every table, and the file's bytes) nor any output;
 * the stored pseudonym is the HMAC-SHA-256 of the value under SEGTRACK_PII_KEY (checked against
 * Node's crypto); without a key nothing is written; `pii: drop` stores nothing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Engine } from '../../src/engine/engine.js';
import { piiValueSql, preparePiiKey, pseudonym } from '../../src/privacy/pii.js';
import { openWorkspace } from '../../src/workspace/workspace.js';
import { runCli } from '../helpers/ingest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const KEY = 'test-key-0123456789abcdef';
const tmp = makeTempDir('segtrack-pii-');
afterAll(() => tmp.remove());

const saved = process.env['SEGTRACK_PII_KEY'];
beforeEach(() => {
  process.env['SEGTRACK_PII_KEY'] = KEY;
});
afterEach(() => {
  if (saved === undefined) delete process.env['SEGTRACK_PII_KEY'];
  else process.env['SEGTRACK_PII_KEY'] = saved;
});

/** Values that must never be found, and a control value that must be (it is not personal data). */
const PLANTED = [
  'alice.planted@example.com',
  'Alice Plantedname',
  '+44 7700 900111',
  'bob.rejected@example.com',
  'Bob Rejectedrow',
  'carol.duplicate@example.com',
  'dave.malformed@example.com',
  'Dave Malformedline',
];
const CONTROL = 'Zzyzxcontrolcity';

const customersCsv = [
  'customer_id,created_at,email,name,phone,city,consent_marketing',
  `c1,2024-01-05,${PLANTED[0]},${PLANTED[1]},${PLANTED[2]},${CONTROL},true`,
  `c2,not-a-date,${PLANTED[3]},${PLANTED[4]},,Leeds,false`,
  `c3,2024-02-01,c3@example.org,Erin Third,,Leeds,true`,
  `c1,2024-01-06,${PLANTED[5]},Carol Dup,,York,true`,
  `c4,2024-03-01,"${PLANTED[6]}",${PLANTED[7]},,York,true,extra,columns`,
  `c5,2024-03-02,e5@example.org,Fay Fifth,,York,`,
].join('\n');
const ordersCsv = [
  'order_id,customer_id,ordered_at,revenue',
  'o1,c1,2024-02-01,100',
  'o2,c1,2024-03-01,50',
  'o3,c3,2024-03-05,20',
].join('\n');

function workspaceWith(
  privacy: Record<string, unknown>,
  name: string,
): { config: string; workspace: string } {
  const dir = tmp.path(name);
  tmp.write(`${name}/customers.csv`, customersCsv + '\n');
  tmp.write(`${name}/orders.csv`, ordersCsv + '\n');
  const workspace = `${dir}/ws.duckdb`;
  const config = tmp.write(
    `${name}/segtrack.yaml`,
    stringify({
      workspace,
      sources: { customers: { file: 'customers.csv' }, orders: { file: 'orders.csv' } },
      segments: [{ name: 'life', type: 'lifecycle' }],
      privacy,
    }),
  );
  return { config, workspace };
}

/** Every value of every column of every table, as text, containing `needle` (case-insensitive). */
async function findInTables(engine: Engine, needle: string): Promise<string[]> {
  const columns = await engine.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'`,
  );
  const hits: string[] = [];
  for (const c of columns) {
    const [row] = await engine.query(
      `SELECT COUNT(*) AS n FROM "${c.table_name}" WHERE lower(CAST("${c.column_name}" AS VARCHAR)) LIKE $1`,
      [`%${needle.toLowerCase()}%`],
    );
    if (Number(row!['n']) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

describe('personal data is pseudonymised at ingestion', () => {
  const { config, workspace } = workspaceWith({ pii: 'hash' }, 'hash');
  const outputs: string[] = [];

  it('ingests, rejecting the bad rows without recording their personal data', async () => {
    const r = await runCli(['ingest', '--config', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    outputs.push(r.stdout, r.stderr);
    const result = JSON.parse(r.stdout) as { tables: Record<string, { rejected: number; loaded: number }> };
    // c2 (bad date), the duplicate c1 and the unreadable c4 line are rejected; c1, c3, c5 load.
    expect(result.tables['customers']).toMatchObject({ rejected: 3, loaded: 3 });
    for (const argv of [
      ['run', '--config', config, '--json'],
      ['status', '--config', config, '--json'],
      ['quality', '--config', config, '--json'],
      ['segments', '--config', config, '--scheme', 'life', '--json'],
      ['members', '--config', config, '--scheme', 'life', '--features', 'city,revenue_total'],
    ]) {
      const out = await runCli(argv);
      expect(out.code, `${argv[0]}: ${out.stderr}`).not.toBe(2);
      outputs.push(out.stdout, out.stderr);
    }
  });

  it('stores the HMAC-SHA-256 of each value under the key, and nothing of the raw values', async () => {
    const engine = await openWorkspace(workspace);
    try {
      const [c1] = await engine.query(
        `SELECT email, name, phone, city FROM customers WHERE customer_id = 'c1'`,
      );
      expect(c1).toEqual({
        email: pseudonym(KEY, PLANTED[0]!),
        name: pseudonym(KEY, PLANTED[1]!),
        phone: pseudonym(KEY, PLANTED[2]!),
        city: CONTROL,
      });
      expect(c1!['email']).toMatch(/^[0-9a-f]{64}$/);
      const reasons = await engine.query(
        `SELECT reason, column_name, value FROM rejected_rows ORDER BY row_number`,
      );
      expect(reasons.map((x) => x['reason'])).toEqual(['unparseable_date', 'duplicate_key', 'malformed_row']);
      for (const needle of PLANTED) expect(await findInTables(engine, needle), needle).toEqual([]);
      // The scan can find things: the control value is in customers.city.
      expect(await findInTables(engine, CONTROL)).toContain('customers.city');
    } finally {
      await engine.close();
    }
  });

  it('leaves no planted value in the workspace file or in any output', () => {
    const bytes = readFileSync(workspace);
    for (const needle of PLANTED) {
      expect(bytes.includes(Buffer.from(needle, 'utf8')), `${needle} in the workspace file`).toBe(false);
      for (const out of outputs) expect(out.includes(needle), `${needle} in an output`).toBe(false);
    }
    // The outputs did say something (the members listing names the customers).
    expect(outputs.join('\n')).toContain('c1');
  });
});

describe('without a usable key', () => {
  it('refuses to ingest personal data and writes nothing', async () => {
    delete process.env['SEGTRACK_PII_KEY'];
    const { config, workspace } = workspaceWith({}, 'nokey');
    const r = await runCli(['ingest', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SEGTRACK_PII_KEY');
    expect(r.stderr).toContain('pii: drop');
    for (const needle of PLANTED) expect(r.stderr.includes(needle)).toBe(false);
    const engine = await openWorkspace(workspace);
    try {
      const [n] = await engine.query(
        `SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM orders) AS n`,
      );
      expect(Number(n!['n'])).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('refuses a short key', async () => {
    process.env['SEGTRACK_PII_KEY'] = 'short';
    const { config } = workspaceWith({}, 'shortkey');
    const r = await runCli(['ingest', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('shorter than 16');
  });
});

describe('pii: drop and pseudonymised customer ids', () => {
  it('drops personal data without needing a key', async () => {
    delete process.env['SEGTRACK_PII_KEY'];
    const { config, workspace } = workspaceWith({ pii: 'drop' }, 'drop');
    expect((await runCli(['ingest', '--config', config])).code).toBe(0);
    const engine = await openWorkspace(workspace);
    try {
      const rows = await engine.query(
        `SELECT COUNT(*) AS n, COUNT(email) + COUNT(name) + COUNT(phone) AS kept FROM customers`,
      );
      expect(rows[0]).toMatchObject({ kept: 0 });
      expect(Number(rows[0]!['n'])).toBe(3);
      for (const needle of PLANTED) expect(await findInTables(engine, needle), needle).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('hashes customer_id in every table alike when pii_columns names it, so orders still join', async () => {
    const { config, workspace } = workspaceWith(
      { pii_columns: ['email', 'name', 'phone', 'customer_id'] },
      'ids',
    );
    expect((await runCli(['ingest', '--config', config])).code).toBe(0);
    expect((await runCli(['run', '--config', config])).code).toBe(0);
    const engine = await openWorkspace(workspace);
    try {
      const c1 = pseudonym(KEY, 'c1');
      const [f] = await engine.query(
        `SELECT orders_total, revenue_total FROM features WHERE customer_id = $1`,
        [c1],
      );
      expect(f).toEqual({ orders_total: 2, revenue_total: 150 });
      const ids = await engine.query<{ customer_id: string }>(
        `SELECT customer_id FROM orders ORDER BY order_id`,
      );
      expect(ids.map((r) => r.customer_id)).toEqual([c1, c1, pseudonym(KEY, 'c3')]);
      const [auto] = await engine.query(`SELECT COUNT(*) AS n FROM customers WHERE auto_created`);
      expect(Number(auto!['n'])).toBe(0);
    } finally {
      await engine.close();
    }
    // `forget` takes the id as the business knows it and finds its pseudonym.
    const erased = await runCli(['forget', '--config', config, '--customer', 'c1', '--json']);
    expect(erased.code, erased.stderr).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ erased: 1, verified: true });
    const after = await openWorkspace(workspace);
    try {
      const [left] = await after.query(`SELECT COUNT(*) AS n FROM orders WHERE customer_id = $1`, [
        pseudonym(KEY, 'c1'),
      ]);
      expect(Number(left!['n'])).toBe(0);
    } finally {
      await after.close();
    }
  });
});

describe('the keyed hash in SQL', () => {
  it("equals Node's HMAC-SHA-256 for keys shorter and longer than a block, and keeps NULL", async () => {
    for (const key of [
      'sixteen-chars-ok',
      'k'.repeat(64),
      'a much longer key than one SHA-256 block of sixty-four bytes, ünïcödé',
    ]) {
      const engine = await openWorkspace(':memory:');
      try {
        await preparePiiKey(engine, { SEGTRACK_PII_KEY: key });
        const values = ['alice@example.com', 'Zoë Ünïcode', ' spaced ', ''];
        const rows = await engine.query<{ v: string | null; h: string | null }>(
          `SELECT v, ${piiValueSql(engine.dialect, 'v', 'hash')} AS h FROM (VALUES ${values
            .map((v) => engine.dialect.literal(v))
            .map((v) => `(${v})`)
            .join(', ')}, (NULL)) t(v)`,
        );
        for (const r of rows) expect(r.h).toBe(r.v === null ? null : pseudonym(key, r.v));
      } finally {
        await engine.close();
      }
    }
  });

  it('will not drop a column segtrack needs', async () => {
    const { config } = workspaceWith({ pii: 'drop', pii_columns: ['customer_id'] }, 'dropid');
    const r = await runCli(['ingest', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot drop customers.customer_id');
  });
});
