import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { RowValue } from '../engine.js';

/**
 * Converts a DuckDB value to plain JavaScript: integers to numbers (to strings beyond 2^53),
 * decimals to doubles, lists and structs recursively, and dates, timestamps, intervals and UUIDs
 * to DuckDB's own text form (`2011-12-09`, `2011-12-09 12:50:00`).
 */
export function toRowValue(v: DuckDBValue): RowValue {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return v;
    case 'bigint': {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v.toString();
    }
    default:
      break;
  }
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(toRowValue);
  if (v instanceof DuckDBStructValue) {
    const out: Record<string, RowValue> = {};
    for (const [k, item] of Object.entries(v.entries)) out[k] = toRowValue(item);
    return out;
  }
  if (v instanceof DuckDBMapValue) {
    const out: Record<string, RowValue> = {};
    for (const e of v.entries) {
      const key = toRowValue(e.key);
      out[typeof key === 'string' ? key : JSON.stringify(key)] = toRowValue(e.value);
    }
    return out;
  }
  return String(v);
}

/** A numeric view of a value: numbers and bigints as doubles, anything else NaN. */
export function toNumber(v: DuckDBValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  return Number.NaN;
}
