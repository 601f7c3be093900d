import { useState, type ReactNode } from 'react';

/** One column of a {@link DataTable}. */
export interface Column<R> {
  key: string;
  header: ReactNode;
  /** Shown after the header's sort button (a KPI's definition button: no button inside a button). */
  after?: ReactNode;
  /** What the column sorts by (null sorts last). */
  value: (row: R) => number | string | null;
  /** The cell (default: the value). */
  render?: (row: R) => ReactNode;
  numeric?: boolean;
  /** Not sortable (e.g. a column of links). */
  fixed?: boolean;
}

type Sort = { key: string; dir: 'asc' | 'desc' } | null;

/**
 * A table whose column headers sort it (click or Enter/Space; again to reverse; a third time
 * restores the original order), announcing the order with `aria-sort`.
 */
export function DataTable<R>({
  rows,
  columns,
  rowKey,
  caption,
  testId,
  rowClass,
  pinned,
}: {
  rows: R[];
  columns: Column<R>[];
  rowKey: (row: R) => string;
  caption?: ReactNode;
  testId?: string;
  rowClass?: (row: R) => string | undefined;
  /** Rows kept at the bottom whatever the order (the whole base). */
  pinned?: R[];
}) {
  const [sort, setSort] = useState<Sort>(null);
  const sorted = [...rows];
  if (sort) {
    const col = columns.find((c) => c.key === sort.key);
    if (col)
      sorted.sort((a, b) => {
        const va = col.value(a);
        const vb = col.value(b);
        if (va === null && vb === null) return 0;
        if (va === null) return 1;
        if (vb === null) return -1;
        const c =
          typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
        return sort.dir === 'asc' ? c : -c;
      });
  }
  const cycle = (key: string, numeric: boolean) =>
    setSort((s) =>
      s?.key !== key
        ? { key, dir: numeric ? 'desc' : 'asc' }
        : s.dir === (numeric ? 'desc' : 'asc')
          ? { key, dir: numeric ? 'asc' : 'desc' }
          : null,
    );
  const cells = (r: R) =>
    columns.map((c) => (
      <td key={c.key} className={c.numeric ? 'num' : undefined} data-col={c.key}>
        {c.render ? c.render(r) : (c.value(r) ?? '—')}
      </td>
    ));
  return (
    <div className="table-wrap">
      <table className="data" data-testid={testId}>
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  {c.fixed ? (
                    c.header
                  ) : (
                    <button type="button" className="sort" onClick={() => cycle(c.key, c.numeric ?? false)}>
                      {c.header}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  )}
                  {c.after}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)} className={rowClass?.(r)} data-row={rowKey(r)}>
              {cells(r)}
            </tr>
          ))}
        </tbody>
        {pinned && pinned.length > 0 ? (
          <tfoot>
            {pinned.map((r) => (
              <tr key={rowKey(r)} data-row={rowKey(r)}>
                {cells(r)}
              </tr>
            ))}
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
