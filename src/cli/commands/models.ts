import type { Command } from 'commander';
import type { Config } from '../../config/types.js';
import { userError } from '../../core/errors.js';
import { resolveAsOf } from '../../pipeline/run.js';
import { fitModels } from '../../predict/fit-models.js';
import { modelSettings, type ModelSettings } from '../../predict/settings.js';
import { validateModels, type FrequencyRow, type WeekPoint } from '../../predict/validate.js';
import { storeModelReport } from '../../snapshot/store.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { dateFlag } from '../options.js';

function modelFlag(v: string | undefined): ModelSettings['purchase'] | undefined {
  if (v === undefined) return undefined;
  if (v === 'bgnbd' || v === 'pareto_nbd') return v;
  throw userError('bad_flag', `--model must be bgnbd or pareto_nbd, not '${v}'`);
}

function unitFlag(v: string | undefined): ModelSettings['timeUnit'] | undefined {
  if (v === undefined) return undefined;
  if (v === 'week' || v === 'day') return v;
  throw userError('bad_flag', `--time-unit must be week or day, not '${v}'`);
}

/** The config's model settings with `--model` and `--time-unit` applied. */
function settingsOf(config: Config, f: { model?: string; timeUnit?: string }): ModelSettings {
  const overrides: Partial<ModelSettings> = {};
  const model = modelFlag(f.model);
  const unit = unitFlag(f.timeUnit);
  if (model) overrides.purchase = model;
  if (unit) overrides.timeUnit = unit;
  return modelSettings(config, overrides);
}

const fmt = (v: unknown, digits = 4) => (typeof v === 'number' ? v.toPrecision(digits) : String(v));

/** Text lines for a fit report: parameters with standard errors, log-likelihood, convergence. */
function fitLines(r: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const key of ['purchase_model', 'spend_model'] as const) {
    const m = r[key] as {
      name: string;
      params: Record<string, number>;
      std_errors: Record<string, number>;
      log_likelihood: number;
      converged: boolean;
      customers: number;
      warnings: string[];
    } | null;
    if (!m) {
      const problems = (r['spend_problems'] as { message: string; hint?: string }[] | undefined) ?? [];
      lines.push(`${key === 'purchase_model' ? 'purchase' : 'spend'} model: not fitted`);
      for (const p of problems) lines.push(`  ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`);
      continue;
    }
    lines.push(
      `${m.name}: ${m.converged ? 'converged' : 'NOT converged'}, log-likelihood ${m.log_likelihood.toFixed(2)}, ${num(m.customers)} customers`,
    );
    lines.push(
      table(
        ['parameter', 'estimate', 'std. error'],
        Object.entries(m.params).map(([k, v]) => [k, fmt(v), fmt(m.std_errors[k] ?? null)]),
      ),
    );
    for (const w of m.warnings) lines.push(`warning: ${w}`);
  }
  return lines;
}

/** `segtrack fit` and `segtrack validate`: the buy-till-you-die models on their own. */
export function registerModels(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('fit')
    .description('fit the purchase (BG/NBD or Pareto/NBD) and spend (Gamma-Gamma) models on all purchases')
    .option('--model <name>', 'bgnbd | pareto_nbd (default: the config’s models.purchase, else bgnbd)')
    .option('--time-unit <unit>', 'week | day (default: the config’s models.time_unit, else week)')
    .option(
      '--as-of <date>',
      'use purchases up to this day (default: the config’s as_of, else the latest order date)',
    )
    .action(async (f: { model?: string; timeUnit?: string; asOf?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.config();
      const settings = settingsOf(config, f);
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const asOf = await resolveAsOf(engine, config.as_of, dateFlag('--as-of', f.asOf));
        ctx.progress(`fitting ${settings.purchase} and gamma_gamma as of ${asOf}…`);
        const report = await fitModels(engine, { asOf, settings });
        const snapshot = await storeModelReport(engine, 'fit', report);
        ctx.emit({ ...report, snapshot_id: snapshot }, () =>
          [
            `Models fitted on purchases up to ${asOf} (time unit: ${settings.timeUnit})`,
            '',
            ...fitLines(report),
          ].join('\n'),
        );
      } finally {
        await engine.close();
      }
    });

  program
    .command('validate')
    .description('fit on a calibration period and compare the predictions with a holdout period')
    .requiredOption('--calibration-end <date>', 'last day of the calibration period')
    .option('--holdout-end <date>', 'last day of the holdout period (default: the latest order date)')
    .option('--model <name>', 'bgnbd | pareto_nbd (default: the config’s models.purchase, else bgnbd)')
    .option('--time-unit <unit>', 'week | day (default: the config’s models.time_unit, else week)')
    .action(
      async (
        f: { calibrationEnd: string; holdoutEnd?: string; model?: string; timeUnit?: string },
        cmd: Command,
      ) => {
        const ctx = context(cmd);
        const config = await ctx.config();
        const settings = settingsOf(config, f);
        const calibrationEnd = dateFlag('--calibration-end', f.calibrationEnd)!;
        const engine = await ctx.open(config, { mustExist: true });
        try {
          const holdoutEnd = await resolveAsOf(engine, undefined, dateFlag('--holdout-end', f.holdoutEnd));
          ctx.progress(
            `validating ${settings.purchase}: calibration to ${calibrationEnd}, holdout to ${holdoutEnd}…`,
          );
          const report = await validateModels(engine, { calibrationEnd, holdoutEnd, settings });
          const snapshot = await storeModelReport(engine, 'validate', report);
          ctx.emit({ ...report, snapshot_id: snapshot }, () => validateText(report));
        } finally {
          await engine.close();
        }
      },
    );
}

function validateText(r: Record<string, unknown>): string {
  const h = r['holdout'] as {
    actual_repeat_transactions: number;
    expected_repeat_transactions: number;
    by_calibration_frequency: FrequencyRow[];
    weekly_cumulative: WeekPoint[];
    calibration_weeks: number;
    errors: Record<string, number>;
  };
  const last = h.weekly_cumulative[h.weekly_cumulative.length - 1];
  const pct = (a: number, b: number) => `${(((a - b) / Math.max(b, 1)) * 100).toFixed(1)}%`;
  return [
    `Calibration to ${String(r['calibration_end'])}, holdout to ${String(r['holdout_end'])} (${fmt(r['holdout_length'])} ${String(r['time_unit'])}s), ${num(r['customers'])} customers`,
    '',
    ...fitLines(r),
    '',
    `Holdout repeat transactions: actual ${num(h.actual_repeat_transactions)}, expected ${num(h.expected_repeat_transactions, 1)} (${pct(h.expected_repeat_transactions, h.actual_repeat_transactions)})`,
    last
      ? `Cumulative at week ${last.week}: actual ${num(last.actual)}, expected ${num(last.expected, 1)} (${pct(last.expected, last.actual)})`
      : '',
    '',
    'Mean holdout transactions by calibration frequency:',
    table(
      ['frequency', 'customers', 'actual', 'expected'],
      h.by_calibration_frequency.map((b) => [
        `${b.frequency}${b.and_more ? '+' : ''}`,
        b.customers,
        fmt(b.actual_mean),
        fmt(b.expected_mean),
      ]),
    ),
    '',
    `Per customer: MAE ${fmt(h.errors['mean_absolute_error'])}, RMSE ${fmt(h.errors['root_mean_squared_error'])}, correlation ${fmt(h.errors['correlation'])}`,
  ].join('\n');
}
