import { didYouMean } from '../core/suggest.js';
import type { Problem } from '../core/errors.js';
import type { SourceConfig } from '../config/types.js';
import { CANONICAL, type CanonicalColumn, type CanonicalTableName } from '../model/canonical.js';
import type { Dialect } from '../dialect/dialect.js';
import type { PiiTreatment } from '../privacy/pii.js';
import { bareColumn, referencedColumns } from './sql-references.js';

/** How one canonical column is computed from the source. */
export interface ColumnMapping {
  column: CanonicalColumn;
  /** SQL over the (typed) source columns; undefined when the source has nothing for it. */
  expr?: string;
  /** The source column, when the mapping is just one column. */
  bare?: string;
  /** Whether the expression came from the config (rather than a same-named source column). */
  explicit: boolean;
  /** The value arrives as text (a bare column of a file read as text), to be read as its type. */
  textInput?: boolean;
  /** Personal data: stored as its keyed hash, or not at all (src/privacy/pii.ts). */
  pii?: PiiTreatment;
}

/** Where something in a source's config was written, for error messages. */
export function sourcePosition(
  source: SourceConfig,
  configPath: string,
  key: string,
): { file: string; line?: number; column?: number } {
  const p = source.positions?.[key] ?? source.positions?.['source'];
  return p ? { file: configPath, line: p.line, column: p.column } : { file: configPath };
}

/**
 * Maps each canonical column to an expression: the config's, else a source column of the same
 * name (case-insensitive). Required columns with neither are reported, all at once.
 */
export function mapColumns(
  table: CanonicalTableName,
  source: SourceConfig,
  sourceColumns: readonly string[],
  d: Dialect,
  configPath: string,
  fileForMessages: string,
): { mappings: ColumnMapping[]; problems: Problem[] } {
  const byLower = new Map(sourceColumns.map((c) => [c.toLowerCase(), c]));
  const problems: Problem[] = [];
  const mappings: ColumnMapping[] = CANONICAL[table].columns.map((column) => {
    const given = source.columns?.[column.name];
    if (given !== undefined) {
      const bare = bareColumn(given);
      const m: ColumnMapping = { column, expr: given, explicit: true };
      if (bare !== undefined) m.bare = byLower.get(bare.toLowerCase()) ?? bare;
      return m;
    }
    const same = byLower.get(column.name.toLowerCase());
    if (same !== undefined) return { column, expr: d.ident(same), bare: same, explicit: false };
    if (column.required) {
      const near = didYouMean(column.name, [...sourceColumns]);
      problems.push({
        code: 'missing_column',
        message: `sources.${table}: the file has no column for required '${column.name}'`,
        at: { file: fileForMessages },
        hint: `map it in ${configPath ? 'the config' : 'sources'}: columns: {${column.name}: <source column or SQL>}; the file's columns are ${sourceColumns
          .slice(0, 10)
          .map((c) => `'${c}'`)
          .join(
            ', ',
          )}${sourceColumns.length > 10 ? ', …' : ''}${near.startsWith('did you mean') ? ` (${near})` : ''}${looksMisdelimited(sourceColumns)}`,
      });
    }
    return { column, explicit: false };
  });
  return { mappings, problems };
}

/** A hint when a CSV header came out as one column holding another delimiter. */
export function looksMisdelimited(columns: readonly string[]): string {
  if (columns.length !== 1) return '';
  const only = columns[0]!;
  for (const [ch, name] of [
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
    [',', 'comma'],
  ] as const)
    if (only.includes(ch))
      return `; the header reads as one column '${only.slice(0, 40)}': the file looks ${name}-delimited, set options: {delimiter: ${JSON.stringify(ch)}}`;
  return '';
}

/**
 * The text source columns that must be typed: those used inside expressions, the filter or
 * group_by (a bare mapping is typed by its canonical column instead).
 */
export function columnsNeedingTypes(
  source: SourceConfig,
  mappings: ColumnMapping[],
  sourceColumns: string[],
): string[] {
  const snippets: string[] = [];
  for (const m of mappings) if (m.expr !== undefined && m.bare === undefined) snippets.push(m.expr);
  if (source.filter !== undefined) snippets.push(source.filter);
  const needed = new Set<string>();
  for (const s of snippets) for (const c of referencedColumns(s, sourceColumns)) needed.add(c);
  for (const c of Object.keys(source.options?.types ?? {})) {
    const real = sourceColumns.find((s) => s.toLowerCase() === c.toLowerCase());
    if (real !== undefined) needed.add(real);
  }
  return [...needed];
}
