/**
 * A small RFC 4180 CSV reader for checking segtrack's results independently of the engine:
 * quoted fields, doubled quotes inside them, quoted delimiters and line breaks, LF or CRLF line
 * ends, a leading byte-order mark. No type conversion: every field is text.
 */

/** Calls `onRecord` with the fields of each record of `text`, in order (the header included). */
export function eachCsvRecord(text: string, onRecord: (fields: string[]) => void, delimiter = ','): void {
  const QUOTE = 34;
  const LF = 10;
  const CR = 13;
  const DELIM = delimiter.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let fields: string[] = [];
  while (i < n) {
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      // Quoted field: runs to the next quote that is not doubled.
      let out = '';
      let start = i + 1;
      for (;;) {
        const q = text.indexOf('"', start);
        if (q < 0) throw new Error(`unterminated quoted field starting at offset ${i}`);
        out += text.slice(start, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          out += '"';
          start = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      value = out;
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === DELIM || c === LF || c === CR) break;
        j++;
      }
      value = text.slice(i, j);
      i = j;
    }
    fields.push(value);
    const c = i < n ? text.charCodeAt(i) : LF;
    if (c === DELIM) {
      i++;
      // A delimiter at the very end of the text still ends an (empty) last field.
      if (i === n) fields.push('');
      continue;
    }
    if (c === CR) i++;
    if (i < n && text.charCodeAt(i) === LF) i++;
    else if (c !== CR && c !== LF && i < n)
      throw new Error(`unexpected character after a quoted field at offset ${i}`);
    onRecord(fields);
    fields = [];
  }
  if (fields.length > 0) onRecord(fields);
}

/** Every record of `text` as an array of fields (the header is the first record). */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  eachCsvRecord(text, (r) => rows.push(r), delimiter);
  return rows;
}

/** Records as objects keyed by the header's names. */
export function parseCsvObjects(text: string, delimiter = ','): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text, delimiter);
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
