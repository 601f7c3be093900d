import type { LogicalType } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';

/** Types a text column can be given, narrowest first. */
export type InferredType = 'integer' | 'double' | 'timestamp' | 'boolean' | 'string';

/**
 * Share of a column's non-empty values that must read as a type for the column to get that type
 * (from 100 values on; below that every value must). Values that then do not read are rejected as
 * unparseable, with their row; a column below the bar stays text. `options.types` overrides this.
 */
export const TYPE_SHARE = 0.99;
const SMALL_COLUMN = 100;

/**
 * Decides the types of text columns from all their values (not a sample), in one pass:
 * integer, then double, then timestamp, then boolean, else text.
 */
export async function inferTypes(
  tx: Engine,
  table: string,
  columns: string[],
): Promise<Record<string, InferredType>> {
  if (columns.length === 0) return {};
  const d = tx.dialect;
  const selects: string[] = [];
  columns.forEach((c, i) => {
    const col = d.ident(c);
    const dbl = d.tryCast(col, 'double');
    // Cheap tests first: a value is only tried as a timestamp or boolean when it is not a number.
    selects.push(
      `count(${col}) AS n${i}`,
      `count(CASE WHEN ${dbl} = ${d.tryCast(col, 'integer')} THEN 1 END) AS i${i}`,
      `count(${dbl}) AS d${i}`,
      `count(CASE WHEN ${dbl} IS NULL AND (contains(${col}, '-') OR contains(${col}, '/')) THEN ${d.tryTimestamp(col)} END) AS t${i}`,
      `count(CASE WHEN ${dbl} IS NULL AND length(${col}) <= 6 AND lower(trim(${col})) IN ('true', 'false') THEN 1 END) AS b${i}`,
    );
  });
  const [row] = await tx.query(`SELECT ${selects.join(', ')} FROM ${d.ident(table)}`);
  const out: Record<string, InferredType> = {};
  columns.forEach((c, i) => {
    const n = Number(row?.[`n${i}`] ?? 0);
    const need = n < SMALL_COLUMN ? n : Math.ceil(n * TYPE_SHARE);
    const has = (k: string) => n > 0 && Number(row?.[`${k}${i}`] ?? 0) >= need;
    out[c] = has('i')
      ? 'integer'
      : has('d')
        ? 'double'
        : has('t')
          ? 'timestamp'
          : has('b')
            ? 'boolean'
            : 'string';
  });
  return out;
}

/** The reason code for a value that does not read as its column's type. */
export function unparseableReason(t: LogicalType): string {
  switch (t) {
    case 'integer':
    case 'double':
      return 'unparseable_number';
    case 'date':
    case 'timestamp':
      return 'unparseable_date';
    case 'boolean':
      return 'unparseable_boolean';
    default:
      return 'unparseable_value';
  }
}

/**
 * SQL that reads a text value as a type, NULL when it does not. Integers must be whole numbers
 * (engines round `'1.5'` to 2 when cast directly); timestamps accept ISO forms with a zone offset
 * (converted to UTC), dates accept the same and drop the time; booleans accept true/false, yes/no, y/n, 1/0.
 */
export function readAs(d: Engine['dialect'], expr: string, t: LogicalType, fromText = true): string {
  switch (t) {
    case 'integer': {
      const dbl = d.tryCast(expr, 'double');
      return `CASE WHEN ${dbl} = ${d.tryCast(dbl, 'integer')} THEN ${d.tryCast(dbl, 'integer')} END`;
    }
    case 'timestamp':
      return d.tryTimestamp(expr, fromText);
    case 'date':
      // Read as a timestamp first: a plain date cast would reject '2011-12-01 08:26:00'-style text.
      return d.cast(d.tryTimestamp(expr, fromText), 'date');
    case 'boolean':
      return `CASE lower(trim(CAST(${expr} AS ${d.type('string')}))) WHEN 'true' THEN TRUE WHEN 't' THEN TRUE WHEN 'yes' THEN TRUE WHEN 'y' THEN TRUE WHEN '1' THEN TRUE WHEN 'false' THEN FALSE WHEN 'f' THEN FALSE WHEN 'no' THEN FALSE WHEN 'n' THEN FALSE WHEN '0' THEN FALSE END`;
    default:
      return d.tryCast(expr, t);
  }
}
