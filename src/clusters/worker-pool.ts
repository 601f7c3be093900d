import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { chunkCount, runKernel, type KernelContext } from './kmeans-kernels.mjs';

/** The worker entry: a plain .mjs next to this file, in src/ and (once copied) in dist/. */
const WORKER_URL = new URL('./kmeans-worker.mjs', import.meta.url);

interface Reply {
  ok: boolean;
  message?: string;
  stack?: string;
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
}

/** True when the worker entry file exists (it is missing from a build that did not copy it). */
export function workerEntryAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/** The number of threads worth using on this machine (cores, at most 8). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Runs the k-means kernels over chunk ranges. The local executor runs every chunk on this thread;
 * a {@link WorkerPool} splits the chunks into contiguous ranges, one per thread, this thread
 * taking the first. Either way each chunk writes its own result slots and the caller adds them up
 * in chunk order, so both give bit-identical results.
 */
export interface Executor {
  /** Threads doing the work, this one included. */
  readonly threads: number;
  /** Makes `ctx` the context of the following `run` calls (posts it to the workers). */
  load(ctx: KernelContext): Promise<void>;
  /** Runs kernel `op` over every chunk of the loaded context. */
  run(op: number, args?: readonly number[]): Promise<void>;
}

/** Runs every chunk on the calling thread. */
export class LocalExecutor implements Executor {
  readonly threads = 1;
  private ctx: KernelContext | null = null;

  load(ctx: KernelContext): Promise<void> {
    this.ctx = ctx;
    return Promise.resolve();
  }

  run(op: number, args: readonly number[] = []): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) throw new Error('LocalExecutor.run before load');
    runKernel(ctx, op, 0, chunkCount(ctx.n), args);
    return Promise.resolve();
  }
}

/**
 * A set of worker threads (node:worker_threads) running the kernels on data shared through
 * SharedArrayBuffers; this thread works on its own share while they run. Open once, reuse for many
 * fits (starting a worker costs tens of milliseconds), close when done.
 *
 * @example
 * const pool = await WorkerPool.open(2);
 * try {
 *   await kmeans(m, { k: 8, pool });
 * } finally {
 *   await pool.close();
 * }
 */
export class WorkerPool implements Executor {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly pending: Pending[][];
  private ctx: KernelContext | null = null;
  private failure: Error | null = null;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    this.threads = workers.length + 1;
    this.pending = workers.map(() => []);
    workers.forEach((w, i) => {
      w.on('message', (reply: Reply) => {
        const p = this.pending[i]!.shift();
        if (!p) return;
        if (reply.ok) p.resolve();
        else p.reject(new Error(`k-means worker failed: ${reply.message ?? 'unknown error'}`));
      });
      w.on('error', (e: Error) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`k-means worker exited with code ${code}`));
      });
      w.unref();
    });
  }

  /**
   * Starts `threads − 1` workers (this thread is the last one). Throws when the worker entry file
   * is missing or a worker cannot start.
   */
  static async open(threads: number): Promise<WorkerPool> {
    if (!Number.isInteger(threads) || threads < 2)
      throw new RangeError(`a pool needs ≥ 2 threads, got ${threads}`);
    if (!workerEntryAvailable())
      throw new Error(`k-means worker entry not found: ${fileURLToPath(WORKER_URL)}`);
    // execArgv: [] so that the workers do not load the parent's loaders (tsx, vitest): the entry
    // is plain JavaScript and starts faster without them.
    const workers = Array.from({ length: threads - 1 }, () => new Worker(WORKER_URL, { execArgv: [] }));
    const pool = new WorkerPool(workers);
    try {
      // A first round trip proves every worker loaded its module.
      await pool.busy(() => Promise.all(workers.map((_, i) => pool.request(i, { type: 'ping' }))));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const queue of this.pending) for (const p of queue.splice(0)) p.reject(e);
  }

  private request(i: number, msg: object): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.pending[i]!.push({ resolve, reject });
      this.workers[i]!.postMessage(msg);
    });
  }

  /** Keeps the process alive only while work is in flight (an idle pool never blocks exit). */
  private async busy<T>(work: () => Promise<T>): Promise<T> {
    for (const w of this.workers) w.ref();
    try {
      return await work();
    } finally {
      for (const w of this.workers) w.unref();
    }
  }

  async load(ctx: KernelContext): Promise<void> {
    for (const a of [ctx.x, ctx.centres, ctx.labels, ctx.upper, ctx.lower, ctx.chunkSums, ctx.closest]) {
      if (!(a.buffer instanceof SharedArrayBuffer))
        throw new Error('WorkerPool.load needs SharedArrayBuffer-backed arrays');
    }
    this.ctx = ctx;
    await this.busy(() => Promise.all(this.workers.map((_, i) => this.request(i, { type: 'load', ctx }))));
  }

  async run(op: number, args: readonly number[] = []): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) throw new Error('WorkerPool.run before load');
    const chunks = chunkCount(ctx.n);
    const t = this.threads;
    // Contiguous, balanced chunk ranges; range 0 runs here while the workers run theirs.
    const bound = (r: number): number => Math.floor((r * chunks) / t);
    await this.busy(async () => {
      const replies: Promise<void>[] = [];
      for (let r = 1; r < t; r++) {
        const c0 = bound(r);
        const c1 = bound(r + 1);
        if (c1 > c0) replies.push(this.request(r - 1, { type: 'run', op, c0, c1, args }));
      }
      let local: Error | null = null;
      try {
        runKernel(ctx, op, 0, bound(1), args);
      } catch (e) {
        local = e instanceof Error ? e : new Error('k-means kernel failed');
      }
      // Wait for the workers even when this share failed, so no kernel is left running.
      await Promise.all(replies);
      if (local) throw local;
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
