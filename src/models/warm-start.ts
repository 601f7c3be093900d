import type { LogLikelihood } from './fit-result.js';
import { subsampleRows, totalWeight } from './summary.js';

/**
 * The `warm` part of a maximum-likelihood spec for a large summary: the same likelihood over a
 * random subset of its rows (see `fitByMaximumLikelihood`); nothing for a small one.
 */
export function warmSpec<S extends { weight: Float64Array; length: number }>(
  summary: S,
  logLikelihood: (subset: S, logParams: Float64Array, grad: Float64Array) => number,
): { warm?: { logLikelihood: LogLikelihood; customers: number } } {
  const subset = subsampleRows(summary);
  if (!subset) return {};
  return {
    warm: { logLikelihood: (phi, grad) => logLikelihood(subset, phi, grad), customers: totalWeight(subset) },
  };
}
