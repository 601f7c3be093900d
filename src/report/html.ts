/**
 * HTML building for the report: every value interpolated into markup is escaped unless it is
 * already {@link SafeHtml}, so text from the data (segment names, check messages, formulas) can
 * never become markup. Inline SVG is parsed by the same HTML parser, so the same rules cover it.
 * (The tag is `markup`, not `html`, because Prettier reformats the contents of `html` templates,
 * adding whitespace inside table cells and SVG text.)
 */

/** Markup that is already safe to insert: built by {@link markup} or a trusted constant. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What {@link markup} accepts between its literal parts. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for an element's content or a quoted attribute value (both quote kinds).
 *
 * @example escapeHtml('<b> & "x"') // '&lt;b&gt; &amp; &quot;x&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function part(v: HtmlValue): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(part).join('');
  return escapeHtml(String(v));
}

/**
 * A tagged template that escapes every interpolated value (arrays are joined, `null`, `undefined`
 * and booleans print nothing, {@link SafeHtml} is inserted as is).
 *
 * @example markup`<td title="${name}">${value}</td>`
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Trusted markup (a constant of this module's callers, never data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Joins fragments with a separator. */
export function join(parts: readonly HtmlValue[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map(part).join(separator));
}

/**
 * The whole document: a strict Content-Security-Policy that allows nothing but the inline styles
 * (no scripts, no fetches, no external images or fonts), the styles, and the body.
 */
export function page(o: { title: string; lang?: string; css: string; body: SafeHtml }): string {
  return (
    '<!DOCTYPE html>\n' +
    markup`<html lang="${o.lang ?? 'en-GB'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="segtrack">
<title>${o.title}</title>
<style>${raw(o.css)}</style>
</head>
<body>
${o.body}
</body>
</html>
`.value
  );
}
