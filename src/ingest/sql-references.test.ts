import { describe, expect, it } from 'vitest';
import { bareColumn, referencedColumns, sqlReferences } from './sql-references.js';

describe('sqlReferences', () => {
  it('finds columns and tells function calls apart', () => {
    const refs = sqlReferences('sum(Quantity * "Unit Price") + coalesce(x, 0)');
    expect(refs).toEqual([
      { name: 'sum', call: true, quoted: false },
      { name: 'Quantity', call: false, quoted: false },
      { name: 'Unit Price', call: false, quoted: true },
      { name: 'coalesce', call: true, quoted: false },
      { name: 'x', call: false, quoted: false },
    ]);
  });

  it('ignores string literals, comments and casts', () => {
    const refs = sqlReferences(
      "CASE WHEN InvoiceNo LIKE 'C%' THEN 'it''s Quantity' END -- Price\n + y::DOUBLE",
    );
    expect(refs.map((r) => r.name)).toEqual(['CASE', 'WHEN', 'InvoiceNo', 'LIKE', 'THEN', 'END', 'y']);
  });
});

describe('referencedColumns', () => {
  it('matches source columns case-insensitively and returns their spelling', () => {
    expect(referencedColumns('min(invoicedate)', ['InvoiceDate', 'Quantity'])).toEqual(['InvoiceDate']);
    expect(referencedColumns("status = 'Quantity'", ['InvoiceDate', 'Quantity', 'status'])).toEqual([
      'status',
    ]);
  });
});

describe('bareColumn', () => {
  it('recognises a lone column name, quoted or not', () => {
    expect(bareColumn(' CustomerID ')).toBe('CustomerID');
    expect(bareColumn('"Customer ""ID"""')).toBe('Customer "ID"');
    expect(bareColumn('min(x)')).toBeUndefined();
  });
});
