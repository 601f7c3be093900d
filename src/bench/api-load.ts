import { Agent, request, type IncomingMessage } from 'node:http';
import { nearestRankPercentile } from './percentile.js';

/** How long a phase of a load run lasts: a wall-clock duration, or a number of requests in all. */
export type LoadBudget = { durationMs: number } | { requests: number };

/** Settings of {@link runLoad}. */
export interface LoadOptions {
  /** The server, e.g. `http://127.0.0.1:4173` (plain HTTP; no trailing path). */
  baseUrl: string;
  /** Paths with their query strings, e.g. `/api/v1/snapshots`; already URL-encoded. */
  paths: readonly string[];
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string | undefined;
  /** Clients sending at once, each waiting for its answer before the next request (default 8). */
  concurrency?: number;
  /** The measured phase (default 10 s). */
  budget?: LoadBudget;
  /** A phase before it, same clients and paths, not counted (default 1 s; `{requests: 0}` for none). */
  warmup?: LoadBudget;
  /** A request not answered within this long counts as an error `timeout` (default 30 s). */
  timeoutMs?: number;
}

/** The figures of one path in a load run. Latencies are of the 200 answers only, in ms. */
export interface PathLoad {
  path: string;
  /** Requests completed in the measured phase, answered or not. */
  requests: number;
  /** Requests that did not get a 200: any other status, a network error or a timeout. */
  errors: number;
  /** The errors by kind: `status_404`, `ECONNRESET`, `timeout`, … */
  error_kinds: Record<string, number>;
  /** The first error's status or message and the start of its body, to see what went wrong. */
  first_error: string | null;
  /** Completed requests per second of the measured phase. */
  throughput_rps: number;
  /** Nearest-rank percentiles (see {@link nearestRankPercentile}); null when no request got a 200. */
  min_ms: number | null;
  p50_ms: number | null;
  p90_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** Mean size of a 200 answer's body in bytes (what the client had to read). */
  mean_bytes: number | null;
}

/** What {@link runLoad} measured: per path, and all paths together. */
export interface LoadResult {
  concurrency: number;
  /** Wall time of the measured phase, from its start to the last answer, in ms. */
  duration_ms: number;
  warmup_requests: number;
  paths: PathLoad[];
  /** Every path's requests together (path `*`). */
  total: PathLoad;
}

/** One completed request. */
interface Sample {
  path: number;
  ms: number;
  bytes: number;
  /** null for a 200; else the error kind and a description. */
  error: { kind: string; detail: string } | null;
}

const MAX_ERROR_BODY = 200;

/**
 * An HTTP load generator for benchmarking the API: `concurrency` clients each send one request,
 * read the whole answer, record its latency (`performance.now()` from sending to the last byte of
 * the body) and send the next, over keep-alive connections, so the figures are the server's
 * answer time under that many simultaneous users rather than connection set-up. With one path
 * every client asks it; with several, the k-th request sent (by any client) goes to path k mod n,
 * so the mix is even. A warm-up phase runs first and is not counted. Every answer other than a 200 is
 * counted as an error with its kind (never dropped), and latencies are of the 200s only, so fast
 * error answers cannot flatter them.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const concurrency = o.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a whole number of at least 1, not ${concurrency}`);
  if (o.paths.length === 0) throw new RangeError('give at least one path to load');
  const base = new URL(o.baseUrl);
  // `segtrack serve` speaks plain HTTP (put a TLS proxy in front of it in production).
  if (base.protocol !== 'http:') throw new RangeError(`only http:// servers can be loaded, not ${o.baseUrl}`);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const send = requester(base, agent, o.token, o.timeoutMs ?? 30_000);
  try {
    const warm = await phase(o.paths, concurrency, o.warmup ?? { durationMs: 1000 }, send);
    const t0 = performance.now();
    const samples = await phase(o.paths, concurrency, o.budget ?? { durationMs: 10_000 }, send);
    const durationMs = performance.now() - t0;
    const byPath = o.paths.map((path, i) =>
      summarise(
        path,
        samples.filter((s) => s.path === i),
        durationMs,
      ),
    );
    return {
      concurrency,
      duration_ms: Math.round(durationMs),
      warmup_requests: warm.length,
      paths: byPath,
      total: summarise('*', samples, durationMs),
    };
  } finally {
    agent.destroy();
  }
}

/** Runs the clients until the budget is spent; returns every completed request. */
async function phase(
  paths: readonly string[],
  concurrency: number,
  budget: LoadBudget,
  send: (path: string) => Promise<Omit<Sample, 'path'>>,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = 'durationMs' in budget ? performance.now() + budget.durationMs : Infinity;
  let left = 'requests' in budget ? budget.requests : Infinity;
  // The k-th request sent, by whichever client, goes to path k mod n: an even mix, and with a
  // request budget exactly as many requests per path whatever the clients' speeds.
  let issued = 0;
  const client = async () => {
    while (performance.now() < deadline && left > 0) {
      left--;
      const next = issued++ % paths.length;
      samples.push({ path: next, ...(await send(paths[next]!)) });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => client()));
  return samples;
}

/** A function sending one GET and resolving (never rejecting) with its outcome. */
function requester(
  base: URL,
  agent: Agent,
  token: string | undefined,
  timeoutMs: number,
): (path: string) => Promise<Omit<Sample, 'path'>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return (path) =>
    new Promise((resolve) => {
      const started = performance.now();
      let settled = false;
      const done = (bytes: number, error: Sample['error']) => {
        if (settled) return;
        settled = true;
        resolve({ ms: performance.now() - started, bytes, error });
      };
      const req = request(
        { protocol: base.protocol, hostname: base.hostname, port: base.port, path, agent, headers },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            if (res.statusCode !== 200 && bytes <= MAX_ERROR_BODY * 4) chunks.push(c);
          });
          res.on('end', () => {
            if (res.statusCode === 200) return done(bytes, null);
            const body = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY);
            done(bytes, { kind: `status_${res.statusCode ?? 'none'}`, detail: `${res.statusCode} ${body}` });
          });
          res.on('error', (e) => done(bytes, networkError(e)));
          // A connection closed in the middle of the body ends without 'end' (after it, a no-op).
          res.on('close', () => done(bytes, { kind: 'aborted', detail: 'the answer was cut off' }));
        },
      );
      req.setTimeout(timeoutMs, () => {
        done(0, { kind: 'timeout', detail: `no answer within ${timeoutMs} ms` });
        req.destroy();
      });
      req.on('error', (e) => done(0, networkError(e)));
      req.end();
    });
}

function networkError(e: Error): { kind: string; detail: string } {
  const code = (e as NodeJS.ErrnoException).code;
  return { kind: code ?? 'network_error', detail: e.message };
}

/** The figures of a set of samples over a phase of `durationMs`. */
function summarise(path: string, samples: readonly Sample[], durationMs: number): PathLoad {
  const ok = samples.filter((s) => s.error === null);
  const sorted = Float64Array.from(ok, (s) => s.ms).sort();
  const kinds: Record<string, number> = {};
  for (const s of samples) if (s.error) kinds[s.error.kind] = (kinds[s.error.kind] ?? 0) + 1;
  const firstError = samples.find((s) => s.error !== null)?.error?.detail ?? null;
  const pct = (p: number) => (sorted.length > 0 ? round(nearestRankPercentile(sorted, p)) : null);
  return {
    path,
    requests: samples.length,
    errors: samples.length - ok.length,
    error_kinds: kinds,
    first_error: firstError,
    throughput_rps: durationMs > 0 ? Math.round((samples.length / durationMs) * 10_000) / 10 : 0,
    min_ms: pct(0),
    p50_ms: pct(50),
    p90_ms: pct(90),
    p95_ms: pct(95),
    p99_ms: pct(99),
    max_ms: pct(100),
    mean_bytes: ok.length > 0 ? Math.round(ok.reduce((a, s) => a + s.bytes, 0) / ok.length) : null,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
