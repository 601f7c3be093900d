/**
 * Alert notifications (issue 7) against a real HTTP receiver on 127.0.0.1 (`node:http`): signed
 * webhook requests whose signature the test checks with node:crypto itself; a receiver that
 * answers 503 (retried with backoff, then kept); a receiver that is down (connection refused) and
 * comes back (the kept alerts are delivered at the next run, oldest first); `alerts --retry`;
 * a file target that cannot be written and later can; and the console line of a real CLI process.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunAlerts } from '../../src/alerts/evaluate.js';
import { jsonOf, runCli } from '../helpers/ingest.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const SECRET = 'test-secret-for-webhooks';
const BIN = fileURLToPath(new URL('../../bin/segtrack.mjs', import.meta.url));

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records every request; `mode` decides the answer. */
class Receiver {
  received: Received[] = [];
  mode: 'ok' | 'unavailable' = 'ok';
  port = 0;
  private server: Server | undefined;

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.mode === 'ok' ? 204 : 503).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/segtrack?token=abc`;
  }
}

/** Checks the signature exactly as a receiver would, without segtrack's own code. */
function expectSigned(r: Received): void {
  const ts = String(r.headers['x-segtrack-timestamp']);
  expect(ts).toMatch(/^\d+$/);
  expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
  expect(r.headers['x-segtrack-signature']).toBe(expected);
  expect(r.headers['content-type']).toBe('application/json');
}

interface Body {
  event: string;
  delivery_id: string;
  text: string;
  alert: { alert_id: number; rule: string; as_of: string; value: number; kpi: string; segment: string };
}
const bodyOf = (r: Received) => JSON.parse(r.body) as Body;

const CUSTOMERS = 'customer_id,created_at\nc1,2024-01-01 09:00:00\nc2,2024-01-01 09:00:00\n';
const ORDERS =
  'order_id,customer_id,ordered_at,revenue\n' +
  ['01', '02', '03', '04', '05', '06']
    .map((m) => `o${m},c1,2024-${m}-10 10:00:00,${Number(m) * 10}`)
    .join('\n') +
  '\n';

let tmp: TempDir;
let config: string;
const receiver = new Receiver();
const saved: Record<string, string | undefined> = {};
const run = async (asOf: string) =>
  jsonOf<{ snapshot_id: number; alerts: RunAlerts }>(
    await runCli(['run', '--as-of', asOf, '--json', '--config', config]),
  );

beforeAll(async () => {
  for (const k of ['SEGTRACK_WEBHOOK_SECRET', 'SEGTRACK_WEBHOOK_BACKOFF_MS', 'SEGTRACK_WEBHOOK_TIMEOUT_MS'])
    saved[k] = process.env[k];
  process.env['SEGTRACK_WEBHOOK_SECRET'] = SECRET;
  process.env['SEGTRACK_WEBHOOK_BACKOFF_MS'] = '20';
  process.env['SEGTRACK_WEBHOOK_TIMEOUT_MS'] = '3000';
  await receiver.start();
  tmp = makeTempDir('segtrack-alert-delivery-');
  tmp.write('customers.csv', CUSTOMERS);
  tmp.write('orders.csv', ORDERS);
  config = tmp.write(
    'segtrack.yaml',
    [
      'workspace: ./shop.duckdb',
      'privacy: {min_segment_size: 1}',
      'sources:',
      '  customers: {file: customers.csv}',
      '  orders: {file: orders.csv}',
      'segments:',
      '  - {name: lifecycle, type: lifecycle}',
      'alerts:',
      `  - {name: every-run, kpi: customers, when: "value > 0", notify: ["${receiver.url}", "jsonl:sink/alerts.jsonl"]}`,
      '',
    ].join('\n'),
  );
  jsonOf(await runCli(['ingest', '--json', '--config', config]));
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await receiver.stop();
  tmp.remove();
});

describe('webhook notifications', () => {
  it('POSTs each alert once, signed over the timestamp and the raw body', async () => {
    const r = await run('2024-01-31');
    expect(r.alerts.fired).toHaveLength(1);
    expect(r.alerts.deliveries).toMatchObject({ delivered: 2, pending: 0 }); // the webhook and the file
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expectSigned(got);
    const body = bodyOf(got);
    expect(body.event).toBe('segtrack.alert');
    expect(got.headers['x-segtrack-delivery']).toBe(body.delivery_id);
    expect(body.alert).toMatchObject({
      rule: 'every-run',
      kpi: 'customers',
      segment: 'All customers',
      value: 2,
    });
    expect(body.alert.alert_id).toBe(r.alerts.fired[0]!.alert_id);
    expect(body.text).toContain("segtrack alert 'every-run': customers of all customers is 2");
  });

  it('retries a failing receiver with backoff, then keeps the alert pending', async () => {
    receiver.received = [];
    receiver.mode = 'unavailable';
    const r = await run('2024-02-29');
    expect(receiver.received).toHaveLength(3); // default attempts
    const ids = new Set(receiver.received.map((x) => x.headers['x-segtrack-delivery']));
    expect(ids.size).toBe(1);
    for (const x of receiver.received) expectSigned(x);
    expect(r.alerts.deliveries).toMatchObject({ pending: 1, delivered: 1 });
    const listed = jsonOf<{ alerts: unknown[]; pending_deliveries: number }>(
      await runCli(['alerts', '--json', '--config', config]),
    );
    expect(listed.alerts).toHaveLength(2); // the alert is stored whatever happened to its notification
    expect(listed.pending_deliveries).toBe(1);
  });

  it('keeps alerts while the receiver is down and delivers them all, oldest first, at the next run', async () => {
    await receiver.stop();
    const down = await run('2024-03-31');
    expect(down.alerts.fired).toHaveLength(1);
    expect(down.alerts.deliveries!.pending).toBe(2);
    expect(down.alerts.deliveries!.failures.join('\n')).toContain('connection refused');
    // Only the origin of the URL is shown: its path and query may carry a token.
    expect(down.alerts.deliveries!.failures.join('\n')).not.toContain('token=abc');

    receiver.received = [];
    receiver.mode = 'ok';
    await receiver.start(receiver.port);
    const up = await run('2024-04-30');
    expect(up.alerts.deliveries).toMatchObject({ pending: 0 });
    expect(receiver.received.map((x) => bodyOf(x).alert.as_of)).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
    for (const x of receiver.received) expectSigned(x);
  });

  it('`segtrack alerts --retry` sends what is pending without a run', async () => {
    receiver.mode = 'unavailable';
    expect((await run('2024-05-31')).alerts.deliveries!.pending).toBe(1);
    receiver.received = [];
    receiver.mode = 'ok';
    const r = jsonOf<{ pending_deliveries: number; retry: { attempted: number; delivered: number } }>(
      await runCli(['alerts', '--retry', '--json', '--config', config]),
    );
    expect(r.retry).toMatchObject({ attempted: 1, delivered: 1 });
    expect(r.pending_deliveries).toBe(0);
    expect(receiver.received.map((x) => bodyOf(x).alert.as_of)).toEqual(['2024-05-31']);
  });

  it('wrote every alert to the jsonl file exactly once', () => {
    const lines = readFileSync(tmp.path('sink/alerts.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { as_of: string }).as_of)).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
    ]);
  });
});

describe('file and console notifications', () => {
  it('keeps a file notification that cannot be written and appends it once the file can be', async () => {
    const path = tmp.write(
      'file-only.yaml',
      readFileSync(config, 'utf8').replace(/notify: \[.*\]/, 'notify: ["jsonl:blocked/alerts.jsonl"]'),
    );
    mkdirSync(tmp.path('blocked/alerts.jsonl'), { recursive: true }); // a folder where the file should be
    const blocked = jsonOf<{ alerts: RunAlerts }>(
      await runCli(['run', '--as-of', '2024-06-30', '--json', '--config', path]),
    );
    expect(blocked.alerts.deliveries!.pending).toBe(1);
    rmSync(tmp.path('blocked/alerts.jsonl'), { recursive: true });
    const retried = jsonOf<{ pending_deliveries: number }>(
      await runCli(['alerts', '--retry', '--json', '--config', path]),
    );
    expect(retried.pending_deliveries).toBe(0);
    const lines = readFileSync(tmp.path('blocked/alerts.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ rule: 'every-run', as_of: '2024-06-30' });
  });

  it('prints one line per alert on stderr with the console target (the default)', () => {
    const path = tmp.write(
      'console.yaml',
      readFileSync(config, 'utf8').replace(/, notify: \[.*\]/, ''), // no notify: console
    );
    const r = spawnSync(process.execPath, [BIN, 'run', '--as-of', '2024-06-30', '--json', '--config', path], {
      encoding: 'utf8',
      env: { ...process.env, SEGTRACK_PROGRESS: '0' },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('segtrack alert'));
    expect(lines).toEqual([
      "segtrack alert 'every-run': customers of all customers is 2 (previous 2, change 0) " +
        `in snapshot ${(JSON.parse(r.stdout) as { snapshot_id: number }).snapshot_id} as of 2024-06-30 [when value > 0]`,
    ]);
    expect(JSON.parse(r.stdout)).toHaveProperty('alerts.fired');
  });
});
