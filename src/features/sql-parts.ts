/** An aggregate restricted to the rows where `cond` holds (SQL:2003 `FILTER`). */
export function filtered(agg: string, cond: string): string {
  return `${agg} FILTER (WHERE ${cond})`;
}

/**
 * The condition that an order (of table alias `alias`, or unqualified) is a purchase: it is
 * completed; a missing status means completed.
 */
export function completed(alias?: string): string {
  const status = alias === undefined ? 'status' : `${alias}.status`;
  return `(${status} = 'completed' OR ${status} IS NULL)`;
}
