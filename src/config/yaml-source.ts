/**
 * A YAML text parsed with its positions kept: the plain value, the syntax errors, and the line and
 * column (1-based) of any key or value by path, for error messages that point at the right place.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A 1-based line and column in a text file. */
export interface LinePosition {
  line: number;
  column: number;
}

/** A YAML syntax error, worded for a user. */
export interface YamlSyntaxProblem {
  code: string;
  message: string;
  hint: string;
  at: LinePosition;
}

/** Hints for the `yaml` package's error codes; the rest get {@link DEFAULT_SYNTAX_HINT}. */
const SYNTAX_HINTS: Record<string, string> = {
  BAD_INDENT: 'keys of one mapping must start in the same column; indent nested settings by two spaces',
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation; use spaces',
  DUPLICATE_KEY: 'each key may appear only once in a mapping; remove or rename one of them',
  MISSING_CHAR: 'a closing bracket or quote is missing',
  MULTILINE_IMPLICIT_KEY:
    "a key and its ':' must be on one line; check for a missing ':' or an unclosed quote",
  BLOCK_AS_IMPLICIT_KEY: 'put a value that contains \': \' in quotes, like key: "a: b"',
  UNEXPECTED_TOKEN: "put values containing ': ', ' #', '{', '[' or a leading '*', '&', '!' in quotes",
  BAD_SCALAR_START: "put values starting with '@', '`', '%' or '|' in quotes",
  MULTIPLE_DOCS: "keep one document per file; remove the extra '---'",
};
const DEFAULT_SYNTAX_HINT = "check the indentation and quote values that contain ': ' or ' #'";

/** The text of a mapping key as the user wrote it (`null:` is the key "null", not ""). */
function keyText(key: unknown): string {
  if (isScalar(key)) return typeof key.value === 'string' ? key.value : (key.source ?? String(key.value));
  return String(key);
}

/** Joins a path into the keys of {@link YamlSource.positions}: `segments.1.rules.0.where`. */
export function dottedPath(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}

/** A parsed YAML file that remembers where everything is. */
export class YamlSource {
  private constructor(
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Parses `text`; syntax errors are collected in {@link syntaxProblems}, not thrown. */
  static parse(text: string): YamlSource {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
    return new YamlSource(text, doc, lineCounter);
  }

  /** The syntax errors, each with its position and a hint. */
  get syntaxProblems(): YamlSyntaxProblem[] {
    return this.doc.errors.map((e) => {
      // Point at the offending token rather than the indentation before it.
      let offset = e.pos[0];
      while (this.text[offset] === ' ' || this.text[offset] === '\t') offset++;
      const pos = this.lineCounter.linePos(offset);
      const message = e.message.split(/ at line \d+, column \d+/)[0] ?? e.message;
      // An unclosed [ or { is only noticed where the text ends.
      const unclosed = /end with a ([\]}])/.exec(message)?.[1];
      const hint = unclosed
        ? `a '${unclosed === ']' ? '[' : '{'}' opened earlier is not closed with '${unclosed}'`
        : (SYNTAX_HINTS[e.code] ?? DEFAULT_SYNTAX_HINT);
      return { code: e.code, message, hint, at: { line: pos.line, column: pos.col } };
    });
  }

  /** The document as plain data (mappings → objects, sequences → arrays); null for an empty file. */
  toPlain(): unknown {
    return this.plain(this.doc.contents, new Set());
  }

  private plain(node: unknown, visiting: Set<unknown>): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined || visiting.has(target)) return null;
      visiting.add(target);
      const value = this.plain(target, visiting);
      visiting.delete(target);
      return value;
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item) => this.plain(item, visiting));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items)
        // defineProperty, so a key named `__proto__` stays an ordinary key.
        Object.defineProperty(out, keyText(pair.key), {
          value: this.plain(pair.value, visiting),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    return null;
  }

  private pos(node: unknown): LinePosition | undefined {
    const range = (node as Node | undefined)?.range;
    if (!range) return undefined;
    const { line, col } = this.lineCounter.linePos(range[0]);
    return { line, column: col };
  }

  /**
   * Where the key (`target: 'key'`) or the value at `path` is written. A value that is a mapping,
   * a list or empty is placed at its key, which is where a reader looks. A path that does not exist
   * (a missing key) is placed at the deepest part that does.
   */
  locate(path: readonly (string | number)[], target: 'key' | 'value'): LinePosition | undefined {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) return this.pos(keyNode) ?? this.pos(node);
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        keyNode = undefined;
        node = node.items[seg];
      } else {
        return this.pos(keyNode) ?? this.pos(node);
      }
    }
    if (target === 'key' || (keyNode !== undefined && !(isScalar(node) && node.value !== null)))
      return this.pos(keyNode) ?? this.pos(node);
    return this.pos(node) ?? this.pos(keyNode);
  }

  /**
   * The position of every entry, keyed by {@link dottedPath}: a scalar value's own position, or
   * the key's for mappings, lists and empty values (see {@link locate}).
   */
  positions(): Record<string, LinePosition> {
    const out: Record<string, LinePosition> = {};
    const walk = (node: unknown, path: (string | number)[], depth: number): void => {
      if (depth > 64) return;
      if (isMap(node))
        for (const pair of node.items) {
          const p = [...path, keyText(pair.key)];
          const at =
            isScalar(pair.value) && pair.value.value !== null ? this.pos(pair.value) : this.pos(pair.key);
          if (at) out[dottedPath(p)] = at;
          walk(pair.value, p, depth + 1);
        }
      else if (isSeq(node))
        node.items.forEach((item, i) => {
          const p = [...path, i];
          const at = this.pos(item);
          if (at) out[dottedPath(p)] = at;
          walk(item, p, depth + 1);
        });
    };
    walk(this.doc.contents, [], 0);
    return out;
  }
}
