/**
 * Small-cell suppression for a two-way table whose row and column totals are known: the
 * migration matrix (rows: segments in the earlier snapshot, plus "(new)"; columns: segments in
 * the later one, plus "(gone)"). Pure (no engine, no I/O). The rule is in CONTEXT.md ("Migration:
 * suppression").
 */
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';

/** One cell of the table. Combinations not listed are not cells (e.g. "(new)" → "(gone)"). */
export interface MatrixCell {
  row: string;
  col: string;
  customers: number;
}

/** The decision for one cell, in the order the cells were given. */
export interface MatrixDecision {
  row: string;
  col: string;
  suppressed: boolean;
  /** Null for a cell that is shown. */
  reason: SuppressionReason | null;
}

/**
 * Decides which cells of a two-way table to suppress when every row total and every column total
 * is known to the reader (here: the snapshots' published segment sizes; the "(new)" row and the
 * "(gone)" column are treated as known too, to be safe).
 *
 * 1. Each row, then each column, goes through {@link decideSuppression} (primary `small` cells,
 *    then complementary ones against the line's total). A line that already holds cells hidden by
 *    a crossing line counts them: it gets its primary cells, then, while its hidden cells could be
 *    recovered by subtraction (exactly one hidden, or together fewer than `threshold` customers),
 *    its smallest shown non-empty cells (ties by label in code-unit order, then position). With no
 *    cell hidden beforehand this is exactly {@link decideSuppression}'s rule. Rows and columns are
 *    passed over again until nothing changes.
 * 2. Row and column passes leave every line with 0 or ≥ 2 hidden cells, which is not enough in two
 *    dimensions: a hidden cell that lies on no cycle of hidden cells (alternating row, column,
 *    row…) is determined by the totals — e.g. the sum of two rows' hidden cells minus two columns'
 *    leaves exactly the one cell linking them. So each such cell (a bridge of the bipartite graph
 *    rows–columns whose edges are the hidden cells) gets a partner: the smallest shown non-empty
 *    cell joining the two sides the bridge separates, which closes a cycle through it. Then step 1
 *    again, until neither step changes anything.
 *
 * Empty cells are never hidden (as in {@link decideSuppression}). Where only empty cells could
 * close a line or a cycle — all of a line's non-empty cells are already hidden — the hidden cells
 * stay hidden but the totals still determine them: the same limit as a segment holding a whole
 * scheme's customers.
 *
 * @example
 * suppressMatrix(
 *   [
 *     { row: 'A', col: 'A', customers: 40 }, { row: 'A', col: 'B', customers: 3 },
 *     { row: 'B', col: 'A', customers: 25 }, { row: 'B', col: 'B', customers: 30 },
 *   ],
 *   10,
 * ); // A→B small; A→A for row A, then B→A and B→B for their columns: all four hidden
 */
export function suppressMatrix(cells: readonly MatrixCell[], threshold: number): MatrixDecision[] {
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new RangeError(`suppression threshold must be a whole number ≥ 1, not ${threshold}`);
  const reasons: (SuppressionReason | null)[] = cells.map(() => null);
  const rows = linesOf(cells, (c) => c.row);
  const cols = linesOf(cells, (c) => c.col);
  const passLines = (): boolean => {
    let changed = false;
    for (const line of rows) changed = protectLine(cells, reasons, line, (c) => c.col, threshold) || changed;
    for (const line of cols) changed = protectLine(cells, reasons, line, (c) => c.row, threshold) || changed;
    return changed;
  };
  for (;;) {
    while (passLines());
    if (!closeBridge(cells, reasons)) break;
  }
  return cells.map((c, i) => ({
    row: c.row,
    col: c.col,
    suppressed: reasons[i] !== null,
    reason: reasons[i] ?? null,
  }));
}

/** Indices of the cells per row (or column), in the order given. */
function linesOf(cells: readonly MatrixCell[], key: (c: MatrixCell) => string): number[][] {
  const by = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const list = by.get(key(c)) ?? [];
    list.push(i);
    by.set(key(c), list);
  });
  return [...by.values()];
}

/** Applies the one-dimensional rule to one line; true when it hid a cell. */
function protectLine(
  cells: readonly MatrixCell[],
  reasons: (SuppressionReason | null)[],
  line: number[],
  label: (c: MatrixCell) => string,
  threshold: number,
): boolean {
  const input = line.map((i) => ({ id: label(cells[i]!), customers: cells[i]!.customers }));
  const before = line.some((i) => reasons[i] !== null);
  // Nothing hidden yet in this line: the project's rule as it stands.
  const decided = decideSuppression(input, { threshold, totalKnown: !before });
  let changed = false;
  decided.forEach((d, k) => {
    const i = line[k]!;
    if (d.reason !== null && reasons[i] === null) {
      reasons[i] = d.reason;
      changed = true;
    }
  });
  if (!before) return changed;
  // Cells hidden by crossing lines count as hidden here: top up with the smallest shown cells.
  let count = 0;
  let sum = 0;
  for (const i of line)
    if (reasons[i] !== null) {
      count++;
      sum += cells[i]!.customers;
    }
  const candidates = line
    .map((i, position) => ({ i, position, id: label(cells[i]!), customers: cells[i]!.customers }))
    .filter((c) => reasons[c.i] === null && c.customers > 0)
    .sort((a, b) => a.customers - b.customers || compareIds(a.id, b.id) || a.position - b.position);
  for (const c of candidates) {
    if (count >= 2 && sum >= threshold) break;
    reasons[c.i] = 'complementary';
    count++;
    sum += c.customers;
    changed = true;
  }
  return changed;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Finds the first hidden cell (in the order given) that is a bridge of the hidden-cell graph and
 * hides the smallest shown non-empty cell that closes a cycle through it (ties by position). True
 * when it hid one; bridges that no non-empty cell can close are left as they are.
 */
function closeBridge(cells: readonly MatrixCell[], reasons: (SuppressionReason | null)[]): boolean {
  const hidden = cells.map((_, i) => i).filter((i) => reasons[i] !== null);
  // Nodes: `r:<row>` and `c:<col>`; edges: hidden cells.
  const adjacency = new Map<string, number[]>();
  const link = (node: string, i: number) => adjacency.set(node, [...(adjacency.get(node) ?? []), i]);
  for (const i of hidden) {
    link(`r:${cells[i]!.row}`, i);
    link(`c:${cells[i]!.col}`, i);
  }
  const reach = (start: string, without: number): Set<string> => {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      const node = queue.pop()!;
      for (const i of adjacency.get(node) ?? []) {
        if (i === without) continue;
        for (const next of [`r:${cells[i]!.row}`, `c:${cells[i]!.col}`])
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
      }
    }
    return seen;
  };
  for (const e of hidden) {
    const rowSide = reach(`r:${cells[e]!.row}`, e);
    if (rowSide.has(`c:${cells[e]!.col}`)) continue; // on a cycle
    const colSide = reach(`c:${cells[e]!.col}`, e);
    const joins = (c: MatrixCell) =>
      (rowSide.has(`r:${c.row}`) && colSide.has(`c:${c.col}`)) ||
      (colSide.has(`r:${c.row}`) && rowSide.has(`c:${c.col}`));
    const best = cells
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => reasons[i] === null && c.customers > 0 && joins(c))
      .sort((a, b) => a.c.customers - b.c.customers || a.i - b.i)[0];
    if (best === undefined) continue;
    reasons[best.i] = 'complementary';
    return true;
  }
  return false;
}
