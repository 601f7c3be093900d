/**
 * Two guarantees of the server that timing alone would rarely show:
 * - an answer computed while a write ran is not cached (regression: an erased customer's id
 *   stayed in a cached data-quality answer when the erasure landed mid-request);
 * - loopback-only mode (no token ever created) answers only requests addressed to the loopback
 *   (a page re-pointing its own name at 127.0.0.1 gets nothing), and revoking the last token does
 *   not reopen it.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Engine } from '../../src/engine/engine.js';
import { buildServer } from '../../src/server/app.js';
import { registerRoute, route, type ServerContext } from '../../src/server/route.js';
import { createToken, revokeToken } from '../../src/server/tokens.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

let engine: Engine;
beforeAll(async () => {
  engine = await openWorkspace(':memory:');
});
afterAll(async () => {
  await engine.close();
});

/** A server context over the test's engine, caching on. */
function context(): ServerContext {
  return {
    engine,
    config: undefined,
    threshold: 10,
    log: () => undefined,
    cache: new Map(),
    generation: 0,
    invalidate() {
      this.cache.clear();
      this.generation++;
    },
    caching: true,
    strictResponses: true,
  };
}

describe('the answer cache', () => {
  it('does-not-cache-an-answer-computed-during-a-write', async () => {
    const app = Fastify();
    const ctx = context();
    let state = 'before';
    let computed = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    app.addHook('onRequest', (req, _reply, done) => {
      req.caller = { role: 'admin', actor: 'test', loopback: true };
      done();
    });
    registerRoute(
      app,
      ctx,
      route({
        method: 'GET',
        url: '/read',
        capability: 'aggregates',
        summary: 'reads the state, slowly the first time',
        response: z.object({ state: z.string() }),
        cache: true,
        handler: async () => {
          const seen = state;
          if (computed++ === 0) await gate;
          return { state: seen };
        },
      }),
    );
    registerRoute(
      app,
      ctx,
      route({
        method: 'POST',
        url: '/write',
        capability: 'aggregates',
        summary: 'changes the state',
        response: z.object({ ok: z.boolean() }),
        writes: true,
        handler: () => {
          state = 'after';
          return { ok: true };
        },
      }),
    );
    const slow = app.inject({ method: 'GET', url: '/read' });
    await new Promise((r) => setTimeout(r, 20));
    expect((await app.inject({ method: 'POST', url: '/write' })).statusCode).toBe(200);
    release();
    expect((await slow).json()).toEqual({ state: 'before' });
    // The stale answer was not kept: the next read computes again and sees the write.
    expect((await app.inject({ method: 'GET', url: '/read' })).json()).toEqual({ state: 'after' });
    expect(computed).toBe(2);
    // And that answer is kept.
    await app.inject({ method: 'GET', url: '/read' });
    expect(computed).toBe(2);
    await app.close();
  });

  it('keeps an answer that depends on the date for that day only', async () => {
    const app = Fastify();
    const ctx = context();
    app.addHook('onRequest', (req, _reply, done) => {
      req.caller = { role: 'viewer', actor: 'test', loopback: false };
      done();
    });
    let computed = 0;
    registerRoute(
      app,
      ctx,
      route({
        method: 'GET',
        url: '/today',
        capability: 'aggregates',
        summary: 'depends on the date',
        response: z.object({ n: z.number() }),
        cache: 'daily',
        handler: () => ({ n: ++computed }),
      }),
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-03-01T23:00:00Z'));
      await app.inject({ method: 'GET', url: '/today' });
      await app.inject({ method: 'GET', url: '/today' });
      expect(computed).toBe(1);
      vi.setSystemTime(new Date('2026-03-02T01:00:00Z'));
      expect((await app.inject({ method: 'GET', url: '/today' })).json()).toEqual({ n: 2 });
    } finally {
      vi.useRealTimers();
      await app.close();
    }
  });
});

describe('loopback-only mode', () => {
  it('answers only requests addressed to the loopback, and stays closed once a token existed', async () => {
    const app = await buildServer(engine, { log: () => undefined, strictResponses: true });
    const whoami = (host: string, authorization?: string) =>
      app.inject({
        method: 'GET',
        url: '/api/v1/whoami',
        remoteAddress: '127.0.0.1',
        headers: { host, ...(authorization ? { authorization } : {}) },
      });
    for (const host of ['127.0.0.1:4173', 'localhost:4173', '[::1]:4173', 'LOCALHOST'])
      expect((await whoami(host)).statusCode, host).toBe(200);
    for (const host of ['attacker.example:4173', 'attacker.example', '127.0.0.1.attacker.example']) {
      const r = await whoami(host);
      expect(r.statusCode, host).toBe(401);
      expect(r.json()).toMatchObject({ error: { code: 'unauthenticated' } });
      expect(r.json<{ error: { hint: string } }>().error.hint).toMatch(/127\.0\.0\.1 or localhost/);
    }
    const t = await createToken(engine, 'viewer');
    expect((await whoami('127.0.0.1:4173')).statusCode).toBe(401);
    expect((await whoami('attacker.example', `Bearer ${t.token}`)).statusCode).toBe(200);
    await revokeToken(engine, t.token_id);
    // No live token left: still closed, not back to unauthenticated admin.
    expect((await whoami('127.0.0.1:4173')).statusCode).toBe(401);
    await app.close();
  });
});
