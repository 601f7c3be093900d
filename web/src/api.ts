/**
 * The dashboard's door to the REST API: same-origin fetches under /api/v1/, with the caller's
 * token (kept for the browser session only) when one was given. Answers of aggregate routes are
 * kept in memory for the session: the server holds the workspace, so they cannot change under it.
 */
import type { ApiError } from '../../src/server/api-types';

const TOKEN_KEY = 'segtrack.token';

/** The token this tab sends, if any. */
export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Remembers (or with null forgets) the token for this browser session, and drops cached answers. */
export function setToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token.trim());
  } catch {
    // Storage refused (private mode): the token lasts until the page is reloaded.
  }
  cache.clear();
  listeners.forEach((l) => l());
}

const listeners = new Set<() => void>();
/** Called whenever the token changes (everything is fetched again). */
export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A failed call, with what the server said. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const cache = new Map<string, Promise<unknown>>();

/**
 * Sends a request with the caller's token; answers the response when it is a 2xx, else throws
 * what the server said (or that it cannot be reached).
 */
async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiFailure(
      0,
      'network',
      'the segtrack server cannot be reached',
      'is `segtrack serve` still running?',
    );
  }
  if (!res.ok) {
    let err: ApiError['error'] = { code: 'http_' + res.status, message: res.statusText || 'request failed' };
    try {
      err = ((await res.json()) as ApiError).error;
    } catch {
      // Not JSON: keep the status text.
    }
    throw new ApiFailure(res.status, err.code, err.message, err.hint);
  }
  return res;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await request(method, path, body)).json()) as T;
}

/** GET `path` (relative to /api/v1), cached for the session unless `fresh`. */
export function get<T>(path: string, o: { fresh?: boolean } = {}): Promise<T> {
  if (!o.fresh) {
    const hit = cache.get(path);
    if (hit) return hit as Promise<T>;
  }
  const p = call<T>('GET', path);
  cache.set(path, p);
  // A failure is not remembered: the next view tries again.
  p.catch(() => cache.delete(path));
  return p;
}

/** POST a JSON body; nothing is cached, and cached answers are dropped (the workspace may have changed). */
export async function post<T>(path: string, body: unknown): Promise<T> {
  const r = await call<T>('POST', path, body);
  cache.clear();
  return r;
}

/** POST that answers with a file: saved by the browser under the server's file name. */
export async function download(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request('POST', path, body);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  cache.clear();
  return JSON.parse(res.headers.get('x-segtrack-export') ?? '{}') as Record<string, unknown>;
}

/** `encodeURIComponent` for path segments (segment names may hold anything). */
export const seg = encodeURIComponent;
