/**
 * A light reading of the SQL snippets a config gives for a source (column expressions, filter,
 * group_by): which identifiers they use. Enough to decide which source columns need a type and
 * whether a mapping is a bare column; the engine itself parses and checks the SQL.
 */

export interface Reference {
  /** The identifier as written, unquoted. */
  name: string;
  /** Followed by `(`: a function name, not a column. */
  call: boolean;
  quoted: boolean;
}

/** Identifiers in a SQL snippet, outside string literals and comments. */
export function sqlReferences(sql: string): Reference[] {
  const out: Reference[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'") {
      i++;
      while (i < sql.length && !(sql[i] === "'" && sql[i + 1] !== "'")) i += sql[i] === "'" ? 2 : 1;
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (ch === '"') {
      let j = i + 1;
      let name = '';
      while (j < sql.length) {
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') {
            name += '"';
            j += 2;
            continue;
          }
          break;
        }
        name += sql[j];
        j++;
      }
      i = j + 1;
      out.push({ name, call: nextNonSpace(sql, i) === '(', quoted: true });
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      const name = sql.slice(i, j);
      // Skip the second half of a qualified name or a type after `::`.
      const prev = prevNonSpace(sql, i);
      i = j;
      if (prev === '.' || prev === ':') continue;
      out.push({ name, call: nextNonSpace(sql, i) === '(', quoted: false });
    } else if (/[0-9]/.test(ch)) {
      while (i < sql.length && /[0-9.eE]/.test(sql[i]!)) i++;
    } else i++;
  }
  return out;
}

function nextNonSpace(s: string, i: number): string | undefined {
  while (i < s.length && /\s/.test(s[i]!)) i++;
  return s[i];
}

function prevNonSpace(s: string, i: number): string | undefined {
  let j = i - 1;
  while (j >= 0 && /\s/.test(s[j]!)) j--;
  return s[j];
}

/** The source column a snippet is, when it is nothing but one column name (quoted or not). */
export function bareColumn(sql: string): string | undefined {
  const t = sql.trim();
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(t)) return t;
  const m = /^"((?:[^"]|"")*)"$/.exec(t);
  return m ? m[1]!.replaceAll('""', '"') : undefined;
}

/**
 * The columns of `available` (matched case-insensitively, as the engine does) that a snippet uses.
 * Returns the names as spelled in `available`.
 */
export function referencedColumns(sql: string, available: readonly string[]): string[] {
  const byLower = new Map(available.map((c) => [c.toLowerCase(), c]));
  const found = new Set<string>();
  for (const r of sqlReferences(sql)) {
    if (r.call) continue;
    const col = byLower.get(r.name.toLowerCase());
    if (col !== undefined) found.add(col);
  }
  return [...found];
}
