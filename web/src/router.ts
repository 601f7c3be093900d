/**
 * A small router over the History API: the dashboard's pages are paths (`/segments?scheme=rfm`),
 * so every view has an address that can be bookmarked, shared and reloaded (the server answers
 * any non-API path with the dashboard).
 */
import { useEffect, useState } from 'react';

/** Where the browser is. */
export interface Location {
  path: string;
  query: URLSearchParams;
}

const read = (): Location => ({
  path: window.location.pathname,
  query: new URLSearchParams(window.location.search),
});

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

/** Goes to `to` (a path with an optional query), adding a history entry unless `replace`. */
export function navigate(to: string, o: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (o.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  listeners.forEach((l) => l());
  if (!o.replace) window.scrollTo(0, 0);
}

/** The current location, re-rendering on every navigation. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const l = () => setLoc(read());
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

/** A path with query parameters (undefined and empty values left out). */
export function href(path: string, query: Record<string, string | number | undefined | null> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Sets one query parameter of the current page (replacing the history entry). */
export function setQuery(key: string, value: string | null): void {
  const q = new URLSearchParams(window.location.search);
  if (value === null || value === '') q.delete(key);
  else q.set(key, value);
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}
