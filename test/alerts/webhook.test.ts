/**
 * `postWebhook` against real HTTP servers on 127.0.0.1: a receiver that never answers (each
 * attempt times out), one that refuses the request with a 4xx (not retried within the run), and
 * one that fails once then accepts (the retry succeeds with the same delivery id).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/alerts/webhook.js';

let server: Server | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

const fast = { timeoutMs: 150, attempts: 3, backoffMs: 10, secret: 'k' };

describe('postWebhook', () => {
  it('gives up on a receiver that never answers after the timeout of each attempt', async () => {
    let requests = 0;
    const url = await serve(() => {
      requests++; // never answers
    });
    const t = performance.now();
    const r = await postWebhook(url, '{}', 'd-1', { ...fast, attempts: 2 });
    const ms = performance.now() - t;
    expect(r).toEqual({ ok: false, attempts: 2, error: 'timed out after 150 ms' });
    expect(requests).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(2 * 150 + 10 - 5);
    expect(ms).toBeLessThan(3000);
  });

  it('does not retry a request the receiver refuses (4xx other than 408 and 429)', async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests++;
      res.writeHead(401).end('bad signature');
    });
    expect(await postWebhook(url, '{}', 'd-2', fast)).toEqual({ ok: false, attempts: 1, error: 'HTTP 401' });
    expect(requests).toBe(1);
  });

  it('retries after a 429 and succeeds with the same delivery id', async () => {
    const ids: (string | string[] | undefined)[] = [];
    const url = await serve((req, res) => {
      ids.push(req.headers['x-segtrack-delivery']);
      req.resume();
      res.writeHead(ids.length === 1 ? 429 : 200).end();
    });
    expect(await postWebhook(url, '{"a":1}', 'd-3', fast)).toEqual({ ok: true, attempts: 2 });
    expect(ids).toEqual(['d-3', 'd-3']);
  });
});
