/**
 * The minimum-cost assignment of rows to columns of a cost matrix: the Hungarian method of
 * H. W. Kuhn ("The Hungarian method for the assignment problem", Naval Research Logistics
 * Quarterly 2, 83–97, 1955) in the O(n²·m) form of J. Munkres ("Algorithms for the assignment and
 * transportation problems", J. SIAM 5(1), 32–38, 1957), written with row and column potentials
 * u, v and one shortest augmenting path per row (the form of Jonker & Volgenant's 1987 variant).
 *
 * Invariant: u_i + v_j ≤ c_ij for every cell, with equality on the assigned cells; a cell with
 * u_i + v_j = c_ij is "tight". Row i is added by growing a tree of tight cells from it (a Dijkstra
 * search on the reduced costs c_ij − u_i − v_j): when no tight cell leads on, the smallest reduced
 * cost δ of a cell leaving the tree is subtracted from the tree's rows and added to its columns
 * (which keeps the invariant and makes that cell tight), until a free column is reached; the path
 * is then flipped. With every row assigned, the sum of potentials equals the assignment's cost, a
 * lower bound of every assignment's cost (LP duality), so the assignment is optimal.
 *
 * Rectangular matrices are allowed: with more rows than columns the matrix is transposed, so that
 * every column gets a row and the surplus rows stay unassigned.
 *
 * @param cost rows × columns of finite costs (e.g. squared distances between old and new centroids)
 * @returns for each row the column assigned to it, or −1 when the row is left out (rows > columns)
 * @example
 * minCostAssignment([[4, 1], [2, 3]]); // Int32Array [1, 0] (cost 1 + 2)
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): Int32Array {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : cost[0]!.length;
  for (const [i, r] of cost.entries()) {
    if (r.length !== cols) throw new RangeError(`cost row ${i} has ${r.length} values, expected ${cols}`);
    for (const c of r) if (!Number.isFinite(c)) throw new RangeError(`cost row ${i} has a non-finite value`);
  }
  if (rows === 0 || cols === 0) return new Int32Array(rows).fill(-1);
  if (rows > cols) {
    const t = Array.from({ length: cols }, (_, j) => cost.map((r) => r[j]!));
    const colOfRow = new Int32Array(rows).fill(-1);
    minCostAssignment(t).forEach((i, j) => {
      if (i >= 0) colOfRow[i] = j;
    });
    return colOfRow;
  }
  // 1-based arrays with index 0 as the virtual start column, as in the textbook presentation.
  const n = rows;
  const m = cols;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfCol = new Int32Array(m + 1); // 0 = free
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOfCol[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOfCol[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (rowOfCol[j0] !== 0);
    // Flip the augmenting path back to the start.
    do {
      const j1 = way[j0]!;
      rowOfCol[j0] = rowOfCol[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOfRow = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOfCol[j]! > 0) colOfRow[rowOfCol[j]! - 1] = j - 1;
  return colOfRow;
}
