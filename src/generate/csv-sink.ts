import { closeSync, openSync, writeSync } from 'node:fs';
import { packedDate } from './calendar.js';

const SECONDS_PER_DAY = 86_400;
const BUFFER_BYTES = 1 << 22; // 4 MiB: few syscalls, small enough to stay in cache-friendly territory
/** Room kept free for one field, so single writes never need a bounds check. */
const HEADROOM = 1024;

const COMMA = 44;
const NEWLINE = 10;
const DASH = 45;
const COLON = 58;
const SPACE = 32;
const DOT = 46;
const ZERO = 48;

/**
 * Writes a CSV file straight into a byte buffer, flushed with one `write` per 4 MiB.
 *
 * The generator emits tens of millions of rows; building them as JavaScript strings costs more
 * than simulating them. Fields are written digit by digit into a reusable buffer instead, so the
 * hot loops allocate nothing. Text fields must be pre-encoded with {@link encode} (UTF-8) and must
 * not need quoting (no comma, quote or newline): the generator only writes values it controls.
 */
export class CsvSink {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  private readonly fd: number;
  /** Bytes written so far (flushed or not). */
  bytes = 0;
  /** Data rows written so far (calls to {@link end}). */
  rows = 0;
  private closed = false;

  /** Creates (truncating) the file and writes the header line. */
  constructor(
    readonly path: string,
    header: readonly string[],
  ) {
    this.fd = openSync(path, 'w');
    this.text(encode(header.join(',')));
    this.buf[this.pos++] = NEWLINE;
  }

  private room(): void {
    if (this.pos > BUFFER_BYTES - HEADROOM) this.flush();
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.bytes += this.pos;
    this.pos = 0;
  }

  /** A field separator. */
  comma(): this {
    this.buf[this.pos++] = COMMA;
    return this;
  }

  /** Ends a data row. */
  end(): void {
    this.buf[this.pos++] = NEWLINE;
    this.rows++;
    this.room();
  }

  /** Pre-encoded text (at most ~1000 bytes). */
  text(bytes: Uint8Array): this {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < bytes.length; i++) b[p++] = bytes[i]!;
    this.pos = p;
    return this;
  }

  /** A non-negative integer in decimal. */
  int(n: number): this {
    if (n < 10) {
      this.buf[this.pos++] = ZERO + n;
      return this;
    }
    let digits = 0;
    for (let m = n; m >= 1; m = Math.floor(m / 10)) digits++;
    return this.padded(n, digits);
  }

  /** A non-negative integer left-padded with zeros to `width` digits (wider numbers are written in full). */
  padded(n: number, width: number): this {
    let digits = 0;
    for (let m = n; m >= 1; m = Math.floor(m / 10)) digits++;
    const w = Math.max(width, digits, 1);
    const b = this.buf;
    let p = this.pos + w;
    this.pos = p;
    let m = n;
    for (let i = 0; i < w; i++) {
      const q = Math.floor(m / 10);
      b[--p] = ZERO + (m - q * 10);
      m = q;
    }
    return this;
  }

  /** A non-negative amount given in whole cents, written with two decimals (`1234` → `12.34`). */
  cents(c: number): this {
    const whole = Math.floor(c / 100);
    this.int(whole);
    this.buf[this.pos++] = DOT;
    return this.padded(c - whole * 100, 2);
  }

  /** A date (days since 1970-01-01) as `YYYY-MM-DD`. */
  date(days: number): this {
    const ymd = packedDate(days);
    const year = Math.floor(ymd / 10_000);
    const md = ymd - year * 10_000;
    const month = Math.floor(md / 100);
    this.padded(year, 4);
    this.buf[this.pos++] = DASH;
    this.padded(month, 2);
    this.buf[this.pos++] = DASH;
    return this.padded(md - month * 100, 2);
  }

  /** A timestamp (whole seconds since 1970-01-01 UTC) as `YYYY-MM-DD HH:MM:SS`. */
  timestamp(seconds: number): this {
    const days = Math.floor(seconds / SECONDS_PER_DAY);
    let s = seconds - days * SECONDS_PER_DAY;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    this.date(days);
    this.buf[this.pos++] = SPACE;
    this.padded(h, 2);
    this.buf[this.pos++] = COLON;
    this.padded(m, 2);
    this.buf[this.pos++] = COLON;
    return this.padded(s, 2);
  }

  /** Flushes what is buffered and closes the file (again: nothing). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    closeSync(this.fd);
  }
}

/** UTF-8 bytes of a value the generator writes often (encode once, write many times). */
export function encode(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
