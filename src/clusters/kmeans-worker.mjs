// Worker-thread entry of the k-means engine. Plain JavaScript on purpose: worker threads do not
// inherit tsx's loader, so this file (and the kernels it imports) must run as is, from src/ in a
// checkout and from dist/ in the built package.
//
// Protocol (one request at a time, answered in order):
//   { type: 'ping' }                         → nothing (the pool's start-up check)
//   { type: 'load', ctx }                    → keep the kernel context (arrays on SharedArrayBuffers)
//   { type: 'run', op, c0, c1, args }        → run a kernel over chunks [c0, c1)
// Every request is answered with { ok: true } or { ok: false, message, stack }.
import { parentPort } from 'node:worker_threads';
import { runKernel } from './kmeans-kernels.mjs';

if (!parentPort) throw new Error('kmeans-worker.mjs must be started as a worker thread');
const port = parentPort;

/** @type {import('./kmeans-kernels.d.mts').KernelContext | null} */
let ctx = null;

port.on('message', (msg) => {
  try {
    if (msg.type === 'ping') {
      // nothing: proves the module loaded
    } else if (msg.type === 'load') {
      ctx = msg.ctx;
    } else if (msg.type === 'run') {
      if (!ctx) throw new Error('no context loaded');
      runKernel(ctx, msg.op, msg.c0, msg.c1, msg.args);
    } else {
      throw new Error(`unknown message type ${String(msg.type)}`);
    }
    port.postMessage({ ok: true });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ ok: false, message: err.message, stack: err.stack });
  }
});
