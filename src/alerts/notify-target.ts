/**
 * Where an alert rule sends what it fires (`notify:` in the config): the console, a JSON-lines
 * file, or a webhook. Pure parsing; sending is ./deliver.ts.
 */
import { isAbsolute, resolve } from 'node:path';

/** One notification target. */
export type NotifyTarget =
  | { kind: 'console' }
  /** `path` is absolute (resolved against the config's directory). */
  | { kind: 'jsonl'; path: string }
  | { kind: 'webhook'; url: string };

/** The default when a rule has no `notify:`. */
export const DEFAULT_NOTIFY = ['console'];

/**
 * Parses one `notify:` entry: `console`, `jsonl:PATH` (relative to `baseDir`, the config file's
 * directory; `~/` is not expanded) or an `http://` / `https://` URL. Returns the target, or a
 * message and hint for what is wrong.
 *
 * @example parseNotifyTarget('jsonl:alerts/fired.jsonl', '/project') // {kind: 'jsonl', path: '/project/alerts/fired.jsonl'}
 */
export function parseNotifyTarget(
  text: string,
  baseDir: string,
): { target: NotifyTarget } | { message: string; hint: string } {
  const t = text.trim();
  if (t.toLowerCase() === 'console') return { target: { kind: 'console' } };
  if (t.toLowerCase().startsWith('jsonl:')) {
    const path = t.slice('jsonl:'.length).trim();
    if (path === '')
      return {
        message: "'jsonl:' names no file",
        hint: 'write e.g. `jsonl:alerts.jsonl` (relative to the config file)',
      };
    return { target: { kind: 'jsonl', path: isAbsolute(path) ? path : resolve(baseDir, path) } };
  }
  if (/^https?:\/\//i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      return {
        message: `'${t}' is not a valid URL`,
        hint: 'write the full address, e.g. https://hooks.example.com/segtrack',
      };
    }
    if (url.username !== '' || url.password !== '')
      return {
        message: 'a webhook URL must not carry a user name or password',
        hint: 'requests are signed with SEGTRACK_WEBHOOK_SECRET instead (see `segtrack alerts --help`)',
      };
    return { target: { kind: 'webhook', url: url.href } };
  }
  return {
    message: `unknown notification target '${t}'`,
    hint: 'use console, jsonl:PATH or an http(s):// webhook URL',
  };
}

/** A target as it may be shown in logs: a webhook by its origin only (its path may hold a token). */
export function describeTarget(target: NotifyTarget): string {
  switch (target.kind) {
    case 'console':
      return 'console';
    case 'jsonl':
      return `jsonl:${target.path}`;
    case 'webhook':
      return redactUrl(target.url);
  }
}

/** `https://hooks.example.com/…` for `https://hooks.example.com/T000/B000/secret`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && u.search === '' ? u.origin : `${u.origin}/…`;
  } catch {
    return 'webhook';
  }
}
