/** The contract between the models and the optimiser: a smooth function with its gradient. */

/** The value of an objective and its gradient at one point. */
export interface ValueAndGradient {
  value: number;
  gradient: Float64Array;
}

/**
 * A function to minimise over an unconstrained vector, returning its value and analytic
 * gradient. It may return a non-finite value where it is undefined or overflows: the optimiser
 * then shortens its step instead of accepting the point.
 */
export type Objective = (x: Float64Array) => ValueAndGradient;
