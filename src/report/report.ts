/**
 * `segtrack report`: the HTML report of a workspace, written as one self-contained file (inline
 * CSS and SVG, no scripts, no external references) that opens offline, e.g. from an e-mail.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { userError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { gatherReport, type ReportData } from './gather.js';
import { renderReport } from './render-report.js';
import { writeFileAtomic } from './write-atomic.js';

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** The file to write (conventionally `….html`). */
  out: string;
  /** The schemes to include, in this order (default: every scheme of the latest snapshot). */
  schemes?: readonly string[];
  /** The workspace's name in the title (default: the name of `workspacePath`, else "segtrack workspace"). */
  workspace?: string;
  /** The time the report states it was made (default: now). */
  now?: Date;
}

/** What {@link writeReport} did (CONTRACT.md: `{"out": FILE}`). */
export interface ReportResult {
  /** The absolute path of the written file. */
  out: string;
  /** The data the page was made from (not part of the CLI's JSON). */
  data: ReportData;
}

/** Fails early, before any work, when `out` cannot be written. */
function checkWritable(out: string): void {
  const dir = dirname(out);
  let dirOk = false;
  try {
    dirOk = statSync(dir).isDirectory();
  } catch {
    dirOk = false;
  }
  if (!dirOk)
    throw userError('unwritable_output', `cannot write ${out}: the folder ${dir} does not exist`, {
      hint: `create it first (mkdir -p ${dir}) or choose another --out`,
    });
  let isFolder = false;
  try {
    isFolder = statSync(out).isDirectory();
  } catch {
    // Not there yet: the usual case.
  }
  if (isFolder)
    throw userError('unwritable_output', `cannot write ${out}: it is a folder`, {
      hint: `name a file, e.g. --out ${resolve(out, 'report.html')}`,
    });
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw userError('unwritable_output', `cannot write ${out}: no permission to write in ${dir}`, {
      hint: 'choose a folder you can write to with --out',
    });
  }
}

/**
 * Gathers the report's data (the functions the REST API uses, with the config's privacy
 * threshold), renders the page and writes it atomically: a failed run leaves no file, and an
 * existing report is replaced only by a complete new one.
 *
 * @throws UserError `no_snapshots` (nothing has run yet), `unknown_scheme`, `unwritable_output`.
 * @example await writeReport(engine, config, { out: 'report.html' })
 */
export async function writeReport(
  engine: Engine,
  config: Config | undefined,
  o: ReportOptions,
): Promise<ReportResult> {
  const out = resolve(o.out);
  checkWritable(out);
  const data = await gatherReport(engine, config, {
    ...(o.schemes !== undefined ? { schemes: o.schemes } : {}),
    workspace: o.workspace ?? 'segtrack workspace',
    ...(o.now !== undefined ? { now: o.now } : {}),
  });
  const text = renderReport(data);
  try {
    writeFileAtomic(out, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw userError('unwritable_output', `cannot write ${out} (${code})`, {
      hint: 'check the folder exists, is writable and has space, or choose another --out',
    });
  }
  return { out, data };
}

/** The workspace's name as a report title shows it: its folder and file name (`shop/segtrack.duckdb`). */
export function workspaceLabel(path: string): string {
  const folder = basename(dirname(resolve(path)));
  return folder ? `${folder}/${basename(path)}` : basename(path);
}
