import type { Engine } from '../engine/engine.js';
import type { EventTypeColumns } from './feature-columns.js';

/**
 * At most this many event types get their own columns (the most frequent ones); rarer types
 * still count in `events_30d`, `events_90d` and `events_365d`. It keeps a source that puts, say,
 * page URLs into `event_type` from creating thousands of columns.
 */
export const MAX_EVENT_TYPE_COLUMNS = 100;

/**
 * The column-name form of an event type: lower case, accents dropped, every run of characters
 * outside `[a-z0-9]` turned into one `_`, no leading or trailing `_`; `other` if nothing is left.
 * @example sanitizeEventType('Add to Cart') === 'add_to_cart'
 */
export function sanitizeEventType(type: string): string {
  const s = type
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'other' : s;
}

/**
 * Groups raw event types by their sanitised name (types that sanitise alike share columns),
 * keeping the {@link MAX_EVENT_TYPE_COLUMNS} most frequent names, sorted by name.
 */
export function groupEventTypes(
  counts: readonly { type: string; count: number }[],
  max = MAX_EVENT_TYPE_COLUMNS,
): EventTypeColumns[] {
  const groups = new Map<string, { raw: string[]; count: number }>();
  for (const { type, count } of counts) {
    const name = sanitizeEventType(type);
    const g = groups.get(name) ?? { raw: [], count: 0 };
    g.raw.push(type);
    g.count += count;
    groups.set(name, g);
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([name, g]) => ({ name, raw: g.raw.sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Every raw event type in the workspace (all dates: columns stay the same from one as-of to the next). */
export async function eventTypeCounts(engine: Engine): Promise<{ type: string; count: number }[]> {
  const rows = await engine.query(
    `SELECT event_type AS t, COUNT(*) AS n FROM events WHERE event_type IS NOT NULL GROUP BY event_type`,
  );
  return rows.map((r) => ({
    type: typeof r['t'] === 'string' ? r['t'] : JSON.stringify(r['t']),
    count: Number(r['n']),
  }));
}
