import {
  BaseDialect,
  type Capabilities,
  type FileScan,
  type LogicalType,
  type ValueKind,
} from '../dialect.js';

/** DuckDB's SQL: the embedded default engine. */
export class DuckDBDialect extends BaseDialect {
  readonly name = 'duckdb';
  protected readonly capabilities: Capabilities = {
    windowFunctions: true,
    qualify: true,
    fileScan: true,
    rejectCapture: true,
    transactionalDdl: true,
    copyToFile: true,
  };
  protected override readonly functionOverrides: Record<string, string> = {
    log: 'LOG(${1}) / LOG(${0})',
    ln: 'LN(${0})',
    log10: 'LOG10(${0})',
    log1p: 'LN(1 + ${0})',
  };
  protected readonly typeNames: Record<LogicalType, string> = {
    string: 'VARCHAR',
    integer: 'BIGINT',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    json: 'JSON',
  };

  override literal(value: string | number | boolean | null): string {
    // DuckDB's parser stops at a NUL byte inside a quoted string; spell NULs as chr(0).
    if (typeof value === 'string' && value.includes('\u0000'))
      return `(${value
        .split('\u0000')
        .map((part) => super.literal(part))
        .join(' || chr(0) || ')})`;
    return super.literal(value);
  }

  tryCast(expr: string, t: LogicalType): string {
    return `TRY_CAST(${expr} AS ${this.type(t)})`;
  }

  override tryTimestamp(expr: string, fromText = true): string {
    if (!fromText) return `TRY_CAST(${expr} AS TIMESTAMP)`;
    // A plain TIMESTAMP cast drops an offset silently; TIMESTAMPTZ applies it (the session zone is
    // UTC) but is ten times slower, so it is used only for text that ends in an offset.
    return `CASE WHEN regexp_matches(${expr}, '[T ][0-9:.]+[+-][0-9]{2}(:?[0-9]{2})?$') THEN CAST(TRY_CAST(${expr} AS TIMESTAMPTZ) AS TIMESTAMP) ELSE TRY_CAST(${expr} AS TIMESTAMP) END`;
  }

  override daysBetween(from: string, to: string): string {
    return `DATE_DIFF('day', CAST(${from} AS DATE), CAST(${to} AS DATE))`;
  }

  override dateTrunc(unit: 'day' | 'week' | 'month' | 'quarter' | 'year', expr: string): string {
    return `CAST(DATE_TRUNC(${this.literal(unit)}, ${expr}) AS DATE)`;
  }

  override addDays(expr: string, n: string | number): string {
    return `(${expr} + TO_DAYS(CAST(${n} AS INTEGER)))`;
  }

  override fileScan(scan: FileScan): string {
    const files = `[${scan.paths.map((p) => this.literal(p)).join(', ')}]`;
    const opts: string[] = [];
    const opt = (k: string, v: string) => opts.push(`${k} = ${v}`);
    switch (scan.format) {
      case 'csv':
        opt('header', scan.header === false ? 'false' : 'true');
        if (scan.delimiter !== undefined) opt('delim', this.literal(scan.delimiter));
        if (scan.quote !== undefined) opt('quote', this.literal(scan.quote));
        if (scan.escape !== undefined) opt('escape', this.literal(scan.escape));
        if (scan.nullString !== undefined) opt('nullstr', this.literal(scan.nullString));
        // Text columns keep every value as written; types are decided over the whole file later.
        if (scan.allText) opt('all_varchar', 'true');
        if (scan.encoding !== undefined) opt('encoding', this.literal(scan.encoding));
        if (scan.columnTypes !== undefined) {
          const types = Object.entries(scan.columnTypes).map(
            ([c, t]) => `${this.literal(c)}: ${this.literal(t)}`,
          );
          opt('types', `{${types.join(', ')}}`);
        }
        if (scan.paths.length > 1) opt('union_by_name', 'true');
        if (scan.rejects) {
          opt('store_rejects', 'true');
          opt('rejects_table', this.literal(scan.rejects.table));
          opt('rejects_scan', this.literal(scan.rejects.scan));
        }
        return `read_csv(${files}, ${opts.join(', ')})`;
      case 'parquet':
        opt('union_by_name', 'true');
        if (scan.fileRowNumber) opt('file_row_number', 'true');
        return `read_parquet(${files}, ${opts.join(', ')})`;
      case 'json':
      case 'jsonl':
        opt('format', this.literal(scan.format === 'jsonl' ? 'newline_delimited' : 'auto'));
        opt('union_by_name', 'true');
        opt('sample_size', '-1');
        return `read_json(${files}, ${opts.join(', ')})`;
    }
  }

  override copyToFile(sql: string, path: string, format: 'csv' | 'parquet' | 'json'): string {
    const options = {
      csv: 'FORMAT csv, HEADER true',
      parquet: 'FORMAT parquet',
      json: 'FORMAT json, ARRAY true',
    }[format];
    return `COPY (${sql}) TO ${this.literal(path)} (${options})`;
  }

  override describeQuery(sql: string): string {
    return `DESCRIBE ${sql}`;
  }

  override valueKind(engineType: string): ValueKind | undefined {
    // DuckDB's own names besides the standard ones: unsigned and 128-bit integers, STRING, BOOL.
    const t = engineType.toUpperCase().trim();
    if (/^(TINYINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t)) return 'number';
    if (t === 'STRING') return 'string';
    if (t === 'BOOL') return 'boolean';
    return super.valueKind(engineType);
  }

  override unionByName(queries: string[]): string {
    return queries.map((q) => `(${q})`).join(' UNION ALL BY NAME ');
  }

  override countDistinct(expr: string): string {
    // Per-group lists are much cheaper than DuckDB's DISTINCT aggregates over many groups (about
    // half the time of a 1M-customer aggregation over 15M orders); COALESCE keeps COUNT's 0 on
    // an empty input.
    return `COALESCE(LIST_UNIQUE(LIST(${expr})), 0)`;
  }

  override distinctAndSumAtMin(
    key: string,
    value: string,
    prefix: string,
  ): { inner: string[]; distinct: string; sumAtMin: string } | undefined {
    // One list of (key, value) pairs per group (one list keeps each pair together), read twice:
    // its distinct keys, and the values paired with the smallest key. At 1M customers / 15.5M
    // orders this costs about 0.35 s more than counting distinct days alone, against about 0.7 s
    // for a second pass joining the first day back to the orders.
    const min = `${prefix}_min`;
    const pairs = `${prefix}_pairs`;
    return {
      inner: [`MIN(${key}) AS ${min}`, `LIST({'k': ${key}, 'v': ${value}}) AS ${pairs}`],
      distinct: `COALESCE(LIST_UNIQUE(LIST_TRANSFORM(${pairs}, p -> p.k)), 0)`,
      sumAtMin: `LIST_SUM(LIST_TRANSFORM(${pairs}, p -> CASE WHEN p.k = ${min} THEN p.v END))`,
    };
  }

  override hmacSha256Hex(value: string, padTable: string): string {
    // H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)) with DuckDB's sha256 over BLOBs; the pads are read once
    // (uncorrelated scalar subqueries).
    const pad = (p: string) => `unhex((SELECT ${p} FROM ${padTable}))`;
    return `sha256(${pad('opad')} || unhex(sha256(${pad('ipad')} || encode(${value}))))`;
  }

  override rowId(): string {
    return 'rowid';
  }

  override rejectedLines(rejects: { table: string; scan: string }): string {
    return `SELECT CAST(line AS BIGINT) AS line, CAST(error_type AS VARCHAR) AS kind, csv_line AS text, error_message AS message FROM ${this.ident(rejects.table)}`;
  }

  override dropRejected(rejects: { table: string; scan: string }): string[] {
    return [
      `DROP TABLE IF EXISTS ${this.ident(rejects.table)}`,
      `DROP TABLE IF EXISTS ${this.ident(rejects.scan)}`,
    ];
  }
}
