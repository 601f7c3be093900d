import { resolve } from 'node:path';
import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { describeColumns } from '../../ingest/stage.js';
import { recordAudit } from '../../privacy/audit.js';
import { membersFrom, resolveSnapshot, requireScheme } from '../../snapshot/read.js';
import type { CommandContext } from '../context.js';
import { toCsv } from '../csv-text.js';
import { intFlag } from '../options.js';

interface MembersFlags {
  scheme: string;
  segment?: string;
  snapshot?: string;
  features?: string;
  format?: string;
  out?: string;
}

/** `segtrack members`: who is in a segment (analysis use; activation exports come later). */
export function registerMembers(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('members')
    .description('list the customers of a scheme (or one segment), with features, for analysis')
    .requiredOption('--scheme <scheme>', 'segmentation scheme')
    .option('--segment <segment>', 'only this segment')
    .option('--snapshot <id>', 'snapshot (default: the latest)')
    .option('--features <list>', 'comma-separated feature columns to add')
    .option('--format <format>', 'csv | parquet | json (default: csv, or json with --json)')
    .option('--out <file>', 'write to a file instead of stdout (required for parquet)')
    .action(async (f: MembersFlags, cmd: Command) => {
      const ctx = context(cmd);
      const format = f.format ?? (ctx.json && !f.out ? 'json' : 'csv');
      if (!['csv', 'parquet', 'json'].includes(format))
        throw userError('bad_flag', `--format must be csv, parquet or json, not '${format}'`);
      if (format === 'parquet' && !f.out) throw userError('bad_flag', '--format parquet needs --out FILE');
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      const d = engine.dialect;
      try {
        const snap = await resolveSnapshot(engine, intFlag('--snapshot', f.snapshot));
        requireScheme(snap, f.scheme);
        if (f.segment !== undefined) {
          const segs = await engine.query<{ segment: string }>(
            `SELECT DISTINCT segment FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2`,
            [snap.snapshot_id, f.scheme],
          );
          if (!segs.some((s) => s.segment === f.segment))
            throw userError('unknown_segment', `scheme '${f.scheme}' has no segment '${f.segment}'`, {
              hint: didYouMean(
                f.segment,
                segs.map((s) => s.segment),
              ),
            });
        }
        const wanted = (f.features ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const available = (await describeColumns(engine, 'features')).map((c) => c.name);
        for (const w of wanted)
          if (!available.includes(w))
            throw userError('unknown_feature', `'${w}' is not a feature column`, {
              hint: didYouMean(w, available),
            });
        const cols = wanted.map((w) => `f.${d.ident(w)}`);
        const sql =
          `SELECT k.customer_id, m.segment${cols.length ? `, ${cols.join(', ')}` : ''} ` +
          membersFrom(
            d,
            snap.snapshot_id,
            f.scheme,
            f.segment,
            cols.length ? 'LEFT JOIN features f ON f.customer_key = m.customer_key ' : '',
          ) +
          ' ORDER BY m.segment, k.customer_id';
        // Member-level data leaves the workspace: the audit log records who listed whom.
        await recordAudit(engine, 'members', `${f.scheme}${f.segment !== undefined ? `/${f.segment}` : ''}`, {
          snapshot_id: snap.snapshot_id,
          features: wanted,
          out: f.out ? resolve(f.out) : null,
        });
        if (f.out) {
          const out = resolve(f.out);
          await engine.exec(d.copyToFile(sql, out, format as 'csv' | 'parquet' | 'json'));
          const [n] = await engine.query(`SELECT count(*) AS n FROM (${sql})`);
          const result = {
            out,
            rows: Number(n?.['n'] ?? 0),
            snapshot_id: snap.snapshot_id,
            scheme: f.scheme,
            segment: f.segment ?? null,
          };
          ctx.emit(
            result,
            () => `Wrote ${result.rows} members of ${f.scheme}${f.segment ? `/${f.segment}` : ''} to ${out}`,
          );
          return;
        }
        const rows = await engine.query(sql);
        if (format === 'json')
          ctx.io.stdout.write(
            `${JSON.stringify({ snapshot_id: snap.snapshot_id, scheme: f.scheme, segment: f.segment ?? null, members: rows }, null, 2)}\n`,
          );
        else
          ctx.io.stdout.write(
            toCsv(
              ['customer_id', 'segment', ...wanted],
              rows.map((r) => Object.values(r)),
            ),
          );
      } finally {
        await engine.close();
      }
    });
}
