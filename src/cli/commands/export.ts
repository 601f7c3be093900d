import type { Command } from 'commander';
import { exportSegment } from '../../activation/export.js';
import { userError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { intFlag } from '../options.js';

interface ExportFlags {
  scheme: string;
  segment: string;
  out: string;
  format?: string;
  holdout?: string;
  snapshot?: string;
  seed?: string;
}

/** `segtrack export`: the activation export of one segment (consent-aware, with an optional holdout). */
export function registerExport(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('export')
    .description(
      'write one segment for activation: customers with marketing consent, less a recorded holdout',
    )
    .requiredOption('--scheme <scheme>', 'segmentation scheme')
    .requiredOption('--segment <segment>', 'segment to export')
    .requiredOption('--out <file>', 'the file to write')
    .option('--format <format>', 'csv | parquet | json (default: from the file name, else csv)')
    .option('--holdout <fraction>', 'hold this fraction back as a control group (e.g. 0.1); recorded')
    .option('--snapshot <id>', 'snapshot (default: the latest)')
    .option('--seed <n>', 'seed of the holdout draw (default: random; recorded either way)')
    .action(async (f: ExportFlags, cmd: Command) => {
      const ctx = context(cmd);
      const byName = /\.(csv|parquet|json)$/i.exec(f.out)?.[1]?.toLowerCase();
      const format = f.format ?? byName ?? 'csv';
      if (format !== 'csv' && format !== 'parquet' && format !== 'json')
        throw userError('bad_flag', `--format must be csv, parquet or json, not '${format}'`);
      const holdout = f.holdout === undefined ? 0 : Number(f.holdout);
      if (f.holdout !== undefined && (f.holdout.trim() === '' || !Number.isFinite(holdout)))
        throw userError('bad_flag', `--holdout must be a number, not '${f.holdout}'`, {
          hint: 'e.g. --holdout 0.1',
        });
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const snapshotId = intFlag('--snapshot', f.snapshot);
        const seed = intFlag('--seed', f.seed);
        const result = await exportSegment(engine, config, {
          scheme: f.scheme,
          segment: f.segment,
          out: f.out,
          format,
          holdout,
          ...(snapshotId !== undefined ? { snapshotId } : {}),
          ...(seed !== undefined ? { seed } : {}),
        });
        ctx.emit(result, () =>
          [
            `Exported ${result.exported} customers of ${f.scheme}/${f.segment} to ${result.out}.`,
            `Left out: ${result.excluded_no_consent} without marketing consent` +
              (result.excluded_unknown_consent > 0
                ? ` (${result.excluded_unknown_consent} of them unknown)`
                : '') +
              (result.holdout > 0
                ? `, ${result.holdout} held out as a control group (export ${result.export_id})`
                : '') +
              (result.not_current > 0 ? `, ${result.not_current} no longer in the workspace` : '') +
              '.',
          ].join('\n'),
        );
      } finally {
        await engine.close();
      }
    });
}
