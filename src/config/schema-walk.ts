/**
 * Finds the sub-schema that validates a given path of a document, so a problem can name what was
 * expected there (the valid keys of a mapping, a field's description). Reads zod 4's `_zod.def`,
 * following the data through discriminated unions.
 */
import type { z } from 'zod';
import { nearest } from '../core/suggest.js';
import { setOwn } from './schema-parts.js';

/** The parts of a zod 4 definition this module reads. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** `shape[key]` for own keys only: `constructor` or `__proto__` in a config are not schema fields. */
const field = (shape: Record<string, z.ZodType> | undefined, key: PropertyKey): z.ZodType | undefined =>
  shape && Object.hasOwn(shape, key) ? shape[key as string] : undefined;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Looks through wrappers (optional, default, pipes…) and picks the union member the data selects. */
function unwrap(schema: z.ZodType, data: unknown): z.ZodType {
  let s = schema;
  for (let guard = 0; guard < 20; guard++) {
    const def = defOf(s);
    if (
      def.innerType &&
      ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)
    ) {
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in && def.out) {
      // A transform pipe validates with `in`; a preprocess pipe (`in` is the transform) with `out`.
      s = defOf(def.in).type === 'transform' ? def.out : def.in;
    } else if (def.type === 'union' && def.options) {
      const disc = def.discriminator;
      const value = disc !== undefined && isRecord(data) ? data[disc] : undefined;
      const chosen =
        disc !== undefined
          ? def.options.find(
              (o) => defOf(o).shape?.[disc] && (defOf(defOf(o).shape![disc]!).values ?? []).includes(value),
            )
          : undefined;
      if (!chosen) return s;
      s = chosen;
    } else {
      return s;
    }
  }
  return s;
}

/** The schema that validates `path` of `data` under `root`, or undefined when the path leaves the schema. */
export function schemaAt(
  root: z.ZodType,
  path: readonly PropertyKey[],
  data: unknown,
): z.ZodType | undefined {
  let s = unwrap(root, data);
  let d = data;
  for (const seg of path) {
    const def = defOf(s);
    let next: z.ZodType | undefined;
    if (def.type === 'object') next = field(def.shape, String(seg));
    else if (def.type === 'array') next = def.element;
    else if (def.type === 'record') next = def.valueType;
    if (!next) return undefined;
    d = isRecord(d) || Array.isArray(d) ? (d as Record<PropertyKey, unknown>)[seg] : undefined;
    s = unwrap(next, d);
  }
  return s;
}

/** The keys a strict mapping at `path` accepts (empty when the path is not a mapping). */
export function keysAt(root: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] {
  const s = schemaAt(root, path, data);
  const shape = s ? defOf(s).shape : undefined;
  return shape ? Object.keys(shape) : [];
}

/** The `.describe()` text of the field at `path`, looking through wrappers. */
export function descriptionAt(
  root: z.ZodType,
  path: readonly PropertyKey[],
  data: unknown,
): string | undefined {
  if (path.length === 0) return undefined;
  const parent = schemaAt(root, path.slice(0, -1), data);
  let s = parent ? field(defOf(parent).shape, String(path[path.length - 1])) : undefined;
  for (let guard = 0; s && guard < 20; guard++) {
    if (s.description) return s.description;
    const def = defOf(s);
    s = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return undefined;
}

/** A misspelt key read as the key it nearly matches, so what is under it is checked too. */
export interface KeyRename {
  /** Path of the mapping holding the key (with earlier renames applied). */
  parent: (string | number)[];
  from: string;
  to: string;
}

/**
 * Reads each unknown key that is a plausible typo of a valid key absent from the same mapping
 * (`sourcse` → `sources`) as that key, so one run reports the typo AND the mistakes inside it.
 * Returns a corrected copy of the data and the renames made.
 */
export function correctKeyTypos(root: z.ZodType, data: unknown): { data: unknown; renames: KeyRename[] } {
  const renames: KeyRename[] = [];
  const walk = (schema: z.ZodType | undefined, d: unknown, path: (string | number)[]): unknown => {
    if (!schema || path.length > 64) return d;
    let s = unwrap(schema, d);
    let def = defOf(s);
    // A misspelt discriminator (`typ: rfm`) hides which member applies: read it as the discriminator.
    const disc = def.type === 'union' ? def.discriminator : undefined;
    if (disc !== undefined && isRecord(d) && !Object.hasOwn(d, disc)) {
      const typo = Object.keys(d).find((k) => nearest(k, [disc]) !== undefined);
      if (typo !== undefined) {
        renames.push({ parent: path, from: typo, to: disc });
        d = Object.fromEntries(Object.entries(d).map(([k, v]) => [k === typo ? disc : k, v]));
        s = unwrap(schema, d);
        def = defOf(s);
      }
    }
    if (Array.isArray(d))
      return def.type === 'array' && def.element ? d.map((x, i) => walk(def.element, x, [...path, i])) : d;
    if (!isRecord(d)) return d;
    if (def.type === 'record') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d)) setOwn(out, k, walk(def.valueType, v, [...path, k]));
      return out;
    }
    if (def.type !== 'object' || !def.shape) return d;
    const shape = def.shape;
    const valid = Object.keys(shape);
    const taken = new Set(Object.keys(d).filter((k) => Object.hasOwn(shape, k)));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(d)) {
      let key = k;
      if (!Object.hasOwn(shape, k)) {
        const near = nearest(k, valid);
        if (near !== undefined && !taken.has(near)) {
          taken.add(near);
          renames.push({ parent: path, from: k, to: near });
          key = near;
        }
      }
      setOwn(out, key, walk(field(shape, key), v, [...path, key]));
    }
    return out;
  };
  return { data: walk(root, data, []), renames };
}

/** Maps a path in corrected data back to the keys the user wrote. */
export function originalPath(
  path: readonly (string | number)[],
  renames: readonly KeyRename[],
): (string | number)[] {
  return path.map((seg, i) => {
    const r = renames.find(
      (x) => x.to === seg && x.parent.length === i && x.parent.every((p, j) => p === path[j]),
    );
    return r ? r.from : seg;
  });
}
