import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Progress } from '../core/progress.js';
import { DEMO_SEGMENTS } from '../demo/demo-config.js';
import { generate } from '../generate/generate.js';
import { resolveAsOf } from '../pipeline/run.js';
import { syntheticDataEnv } from '../privacy/pii.js';
import { openWorkspace } from '../workspace/workspace.js';
import { runSegtrackJson } from './segtrack-process.js';

/** Settings of {@link prepareApiWorkspace}. */
export interface ApiWorkspaceOptions {
  /** The folder that holds (or will hold) the workspace; created when missing. */
  dir: string;
  customers: number;
  ordersPerCustomer?: number | undefined;
  seed: number;
  /** Monthly snapshots to build, the latest as of the last order (default 3). */
  snapshots?: number;
  /** Build again even when the folder holds a finished workspace of the same settings. */
  rebuild?: boolean;
  /** `--memory-limit` of the pipeline runs (default 1.4GB, as `segtrack bench` runs them). */
  memoryLimit?: string;
  progress?: Progress;
}

/** A workspace ready to serve. */
export interface ApiWorkspace {
  dir: string;
  /** The config to pass to `segtrack serve` and `segtrack token`. */
  config: string;
  workspace: string;
  customers: number;
  orders: number;
  snapshots: { snapshot_id: number; as_of: string }[];
  /** True when a finished workspace was found and reused; false when it was built now. */
  reused: boolean;
  /** How long building took (ms), when it was built now or recorded when it was. */
  build_ms: number | null;
}

/** What the folder records once a build has finished (the reuse check reads it). */
interface Manifest {
  version: 1;
  customers: number;
  orders_per_customer: number | null;
  seed: number;
  snapshots_wanted: number;
  orders: number;
  snapshots: { snapshot_id: number; as_of: string }[];
  build_ms: number;
  built_at: string;
}

const MANIFEST = 'api-workspace.json';

/**
 * The workspace the API benchmark serves: `customers` generated customers (with orders, events,
 * surveys, spend) ingested, the demo's four schemes (rfm, lifecycle, channel, value) and monthly
 * snapshots so trends have points. Building it at 1M customers takes several minutes, so a
 * finished build is recorded in `dir/api-workspace.json` and reused by the next run with the same
 * settings; the generated files are deleted once ingested (the workspace is what is reused). Each
 * step runs as its own `segtrack` process, as a user would run it.
 */
export async function prepareApiWorkspace(o: ApiWorkspaceOptions): Promise<ApiWorkspace> {
  const progress = o.progress ?? (() => undefined);
  const dir = resolve(o.dir);
  const config = join(dir, 'segtrack.yaml');
  const workspace = join(dir, 'segtrack.duckdb');
  const wanted = o.snapshots ?? 3;
  const manifestPath = join(dir, MANIFEST);
  const found = readManifest(manifestPath);
  if (
    !o.rebuild &&
    found !== null &&
    found.customers === o.customers &&
    found.orders_per_customer === (o.ordersPerCustomer ?? null) &&
    found.seed === o.seed &&
    found.snapshots_wanted === wanted &&
    existsSync(workspace) &&
    existsSync(config)
  ) {
    progress(`reusing the workspace built ${found.built_at} in ${dir} (--rebuild to build it again)`);
    return {
      dir,
      config,
      workspace,
      customers: found.customers,
      orders: found.orders,
      snapshots: found.snapshots,
      reused: true,
      build_ms: found.build_ms,
    };
  }

  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  // Only what this builder writes is removed, never the rest of the folder.
  for (const f of [MANIFEST, 'segtrack.duckdb', 'segtrack.duckdb.wal']) rmSync(join(dir, f), { force: true });
  rmSync(join(dir, 'data'), { recursive: true, force: true });

  progress(`generating ${o.customers} customers into ${join(dir, 'data')}`);
  const gen = await generate({
    out: join(dir, 'data'),
    customers: o.customers,
    seed: o.seed,
    ...(o.ordersPerCustomer !== undefined ? { ordersPerCustomer: o.ordersPerCustomer } : {}),
    onProgress: progress,
  });
  const sources = Object.keys(gen.files)
    .filter((t) => t !== 'truth')
    .map((t) => `  ${t}: {file: data/${t}.csv}\n`)
    .join('');
  writeFileSync(
    config,
    `# The API benchmark's workspace (segtrack bench --api); rebuilt with --rebuild.\n` +
      `workspace: ./segtrack.duckdb\nsources:\n${sources}${DEMO_SEGMENTS}`,
  );

  progress('ingesting (segtrack ingest)');
  // The generated e-mail addresses are pseudonymised as real ones would be (a one-off key unless
  // SEGTRACK_PII_KEY is set), as `segtrack bench` and the demo do.
  await runSegtrackJson(['ingest', '--config', config], { env: syntheticDataEnv().env, progress });

  const engine = await openWorkspace(workspace, { mustExist: true });
  let asOf: string;
  let orders: number;
  try {
    asOf = await resolveAsOf(engine, undefined);
    const [row] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM orders');
    orders = Number(row?.n ?? 0);
  } finally {
    await engine.close();
  }
  // Month ends from `wanted - 1` months before the as-of date's month, then the as-of date itself.
  const from = new Date(Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)) - wanted, 1))
    .toISOString()
    .slice(0, 10);
  progress(`building monthly snapshots from ${from} to ${asOf} (segtrack backfill)`);
  const backfill = await runSegtrackJson<{ snapshots: { snapshot_id: number; as_of: string }[] }>(
    [
      'backfill',
      '--config',
      config,
      '--from',
      from,
      '--to',
      asOf,
      '--every',
      'month',
      '--memory-limit',
      o.memoryLimit ?? '1.4GB',
    ],
    { progress },
  );
  rmSync(join(dir, 'data'), { recursive: true, force: true });
  const manifest: Manifest = {
    version: 1,
    customers: gen.customers,
    orders_per_customer: o.ordersPerCustomer ?? null,
    seed: o.seed,
    snapshots_wanted: wanted,
    orders,
    snapshots: backfill.snapshots,
    build_ms: Math.round(performance.now() - started),
    built_at: new Date().toISOString(),
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    dir,
    config,
    workspace,
    customers: manifest.customers,
    orders,
    snapshots: manifest.snapshots,
    reused: false,
    build_ms: manifest.build_ms,
  };
}

function readManifest(path: string): Manifest | null {
  if (!existsSync(path)) return null;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    return m.version === 1 ? (m as Manifest) : null;
  } catch {
    return null;
  }
}
