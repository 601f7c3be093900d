/**
 * The result shape shared by every model fit, and the maximum-likelihood driver behind them:
 * parameters are estimated on the log scale (so the optimiser is unconstrained and the positive
 * parameters stay positive), the objective is the negative log-likelihood per customer (so the
 * gradient tolerance does not depend on the sample size), several starts are tried and the best
 * converged run wins, then standard errors come from the Hessian by the delta method.
 */

import { userError } from '../core/errors.js';
import { minimizeBfgs, minimizeMultiStart, type MultiStartResult } from './optimize.js';
import type { Objective } from './objective.js';
import { hessianFromGradient, logScaleStdErrors } from './std-errors.js';

/** The models segtrack fits. */
export type ModelName = 'bgnbd' | 'pareto_nbd' | 'gamma_gamma';

/** A fitted model: estimates, fit diagnostics and what the data looked like. */
export interface ModelFit {
  name: ModelName;
  params: Record<string, number>;
  /** Weighted log-likelihood at the estimates (a sum over customers). */
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  /** Largest absolute component of the gradient of the per-customer negative log-likelihood in log-parameters. */
  gradientNorm: number;
  /** Standard errors of the natural parameters (delta method); empty when the Hessian is not positive definite. */
  stdErrors: Record<string, number>;
  /** Customers used in the likelihood (sum of the row weights). */
  customers: number;
  /** Distinct rows after merging identical customers. */
  distinctRows: number;
  warnings: string[];
}

/** Options common to every fit. */
export interface FitOptions {
  /** Starting points in natural parameters (e.g. `{ r: 1, alpha: 10, a: 1, b: 1 }`); defaults per model. */
  starts?: Record<string, number>[];
  /** BFGS iterations per start (default 1000). */
  maxIterations?: number;
  /** Gradient tolerance on the per-customer negative log-likelihood (default 1e-9). */
  gradientTolerance?: number;
  /** Compute standard errors (default true; costs 2·(number of parameters) gradient evaluations). */
  stdErrors?: boolean;
  /** Return a non-converged fit (with `converged: false` and a warning) instead of throwing. */
  allowNotConverged?: boolean;
  /** Fewer customers than this throws `model_too_few_customers` (default 10). */
  minCustomers?: number;
}

/** A weighted log-likelihood over log-parameters φ: returns Σ w·ℓ and writes ∂/∂φ into `grad`. */
export type LogLikelihood = (logParams: Float64Array, grad: Float64Array) => number;

/** What {@link fitByMaximumLikelihood} needs to know about a model and its data. */
export interface MaximumLikelihoodSpec {
  name: ModelName;
  paramNames: readonly string[];
  logLikelihood: LogLikelihood;
  defaultStarts: Record<string, number>[];
  customers: number;
  distinctRows: number;
  warnings: string[];
  options: FitOptions;
  /**
   * The same likelihood over a random subset of the rows, for large summaries: the starting
   * points are explored on it, and only the best is refined on every row (see below).
   */
  warm?: { logLikelihood: LogLikelihood; customers: number };
}

/** Parameters estimated below this or above its inverse are reported as on the boundary. */
const EDGE = 1e-6;
/** The search stays within |log θ| ≤ this (θ between about 1e-8 and 1e8). */
const MAX_ABS_LOG = 18.4;

/**
 * Maximises the log-likelihood from every start, checks the result and builds the {@link ModelFit}.
 * Throws `model_not_converged` when no start converged (unless `allowNotConverged`) or when the
 * best point is not finite.
 */
export function fitByMaximumLikelihood(spec: MaximumLikelihoodSpec): ModelFit {
  const { paramNames, options, customers } = spec;
  const k = paramNames.length;
  // Beyond e^±18 (1e-8 … 1e8) the likelihoods lose their digits to cancellation (ln Γ of huge
  // shapes): the objective reports "undefined" there so the search turns back, and a fit that
  // keeps pressing against this wall ends as not converged instead of as a number made of
  // rounding errors.
  const objective = meanObjective(spec.logLikelihood, k, customers);
  const starts = (options.starts ?? spec.defaultStarts).map((s) =>
    paramNames.map((p) => {
      const v = s[p];
      if (v === undefined || !(v > 0) || !Number.isFinite(v)) {
        throw userError(
          'model_invalid_start',
          `starting value for ${p} must be a positive number, got ${v}`,
          {
            hint: `give every start all of ${paramNames.join(', ')}, each > 0`,
          },
        );
      }
      return Math.log(v);
    }),
  );
  const stop = {
    maxIterations: options.maxIterations ?? 1000,
    gradientTolerance: options.gradientTolerance ?? 1e-9,
  };
  const best = warmStarted(spec, objective, starts, stop) ?? minimizeMultiStart(objective, starts, stop);
  const params: Record<string, number> = {};
  paramNames.forEach((p, i) => (params[p] = Math.exp(best.x[i]!)));
  const finite =
    Number.isFinite(best.value) && Object.values(params).every((v) => v > 0 && Number.isFinite(v));
  const warnings = [...spec.warnings];
  const atEdge = Object.entries(params).filter(([, v]) => v < EDGE || v > 1 / EDGE);
  const edgeText = atEdge.map(([p, v]) => `${p} = ${v.toPrecision(3)}`).join(', ');
  if (!finite || (!best.converged && options.allowNotConverged !== true)) {
    throw userError(
      'model_not_converged',
      `the ${spec.name} fit did not converge (${best.message}; ${best.startsTried} starts tried, ` +
        `gradient norm ${best.gradientNorm.toExponential(2)}` +
        (atEdge.length > 0 ? `; ${edgeText} ran off to the edge of the parameter space` : '') +
        ')',
      {
        hint:
          'the likelihood is flat, or peaks at the edge of the parameter space, for this data (few repeat ' +
          'buyers, a short calibration period, no spread in spend across customers); ' +
          'try other starting values, a longer calibration period, or allowNotConverged to inspect the best point',
      },
    );
  }
  if (!best.converged) warnings.push(`not converged: ${best.message}`);
  if (atEdge.length > 0) {
    warnings.push(`${edgeText}: at the edge of the parameter space; the model may not fit this data`);
  }
  const stdErrors: Record<string, number> = {};
  if (options.stdErrors !== false) {
    const hess = hessianFromGradient(objective, best.x);
    for (let i = 0; i < hess.length; i++) hess[i] = hess[i]! * customers; // total, not per-customer
    const se = logScaleStdErrors(hess, best.x);
    if (se === null)
      warnings.push('the Hessian is not positive definite at the estimate: no standard errors');
    else paramNames.forEach((p, i) => (stdErrors[p] = se[i]!));
  }
  return {
    name: spec.name,
    params,
    logLikelihood: -best.value * customers,
    converged: best.converged,
    iterations: best.iterations,
    gradientNorm: best.gradientNorm,
    stdErrors,
    customers,
    distinctRows: spec.distinctRows,
    warnings,
  };
}

/** The per-customer negative log-likelihood objective of a likelihood over `customers`. */
function meanObjective(logLikelihood: LogLikelihood, k: number, customers: number): Objective {
  const scale = 1 / customers;
  return (phi) => {
    const grad = new Float64Array(k);
    for (let i = 0; i < k; i++)
      if (!(Math.abs(phi[i]!) <= MAX_ABS_LOG)) return { value: Number.NaN, gradient: grad };
    const ll = logLikelihood(phi, grad);
    for (let i = 0; i < k; i++) grad[i] = -grad[i]! * scale;
    return { value: -ll * scale, gradient: grad };
  };
}

/**
 * Two-stage fit for large summaries: every start is run on the random subset (`spec.warm`), then
 * BFGS continues on all rows from the subset's optimum with the subset's inverse Hessian (both
 * objectives are per-customer means, so their curvatures agree up to sampling noise). This is
 * the full-data maximum likelihood — the subset only chooses where to start — at the cost of a
 * few full evaluations instead of a multi-start's hundreds. Returns undefined (and the caller
 * falls back to the plain multi-start on all rows) when there is no subset, the subset fit fails
 * or the refinement does not converge.
 */
function warmStarted(
  spec: MaximumLikelihoodSpec,
  objective: Objective,
  starts: number[][],
  stop: { maxIterations: number; gradientTolerance: number },
): MultiStartResult | undefined {
  if (!spec.warm || spec.options.starts !== undefined) return undefined;
  const k = spec.paramNames.length;
  const warm = minimizeMultiStart(meanObjective(spec.warm.logLikelihood, k, spec.warm.customers), starts, {
    maxIterations: stop.maxIterations,
    gradientTolerance: 1e-7,
  });
  if (!warm.converged || !Number.isFinite(warm.value)) return undefined;
  // On hundreds of thousands of rows the per-customer objective is only resolved to about 1e-13,
  // so a gradient much below 1e-6 cannot be confirmed by any decrease (the line search thrashes):
  // stop there. That moves the estimates by about 1e-6 relative, far below the standard errors.
  const refined = minimizeBfgs(objective, warm.x, {
    maxIterations: stop.maxIterations,
    gradientTolerance: Math.max(stop.gradientTolerance, 1e-6),
    initialInverseHessian: warm.inverseHessian,
  });
  if (!refined.converged) return undefined;
  return { ...refined, startsTried: starts.length, bestStart: warm.bestStart };
}
