import type { Command } from 'commander';
import { describeTarget } from '../../alerts/notify-target.js';
import { deliverPending, type DeliveryReport } from '../../alerts/deliver.js';
import { pendingCount } from '../../alerts/deliveries.js';
import { parseDuration } from '../../alerts/duration.js';
import { recordedRules } from '../../alerts/history-store.js';
import { alertRules } from '../../alerts/rules.js';
import { shownAlerts, type ShownAlert } from '../../alerts/shown-alerts.js';
import { watchLoop, type CycleOutcome } from '../../alerts/watch.js';
import { webhookSettingsFromEnv } from '../../alerts/webhook-settings.js';
import { EngineError, UserError, formatProblem, userError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { ingest } from '../../ingest/ingest.js';
import { runPipeline } from '../../pipeline/run.js';
import { minSegmentSizeOf } from '../../privacy/threshold.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag } from '../options.js';

interface AlertsFlags {
  rule?: string;
  limit?: string;
  retry?: boolean;
  check?: boolean;
}

interface WatchFlags {
  every: string;
  maxRuns?: string;
  ingest: boolean;
  append?: boolean;
}

/** A number for the alerts table: up to 4 decimals. */
function cell(x: number | null): string {
  return x === null ? '—' : num(x, Math.abs(x) >= 100 ? 2 : 4);
}

/** `segtrack alerts` (the alert history, retries, rule check) and `segtrack watch` (scheduled runs). */
export function registerAlerts(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('alerts')
    .description('list the alerts fired by runs (newest first); retry pending notifications; check the rules')
    .option('--rule <name>', 'only the alerts of this rule')
    .option('--limit <n>', 'at most this many alerts', '50')
    .option('--retry', 'send the notifications still pending now (otherwise every run retries them)')
    .option('--check', 'check the config’s alert rules and print them; no workspace needed')
    .addHelpText(
      'after',
      [
        '',
        'Rules live in the config (`alerts:`); `when:` is a condition over value, previous, change,',
        'pct_change, anomaly and customers, e.g. "pct_change < -0.1 and customers >= 50".',
        'Webhooks are signed: X-Segtrack-Signature: sha256=HMAC-SHA-256(SEGTRACK_WEBHOOK_SECRET,',
        '"<X-Segtrack-Timestamp>.<raw body>") in hex. See src/alerts/CONTEXT.md.',
      ].join('\n'),
    )
    .action(async (f: AlertsFlags, cmd: Command) => {
      const ctx = context(cmd);
      const limit = intFlag('--limit', f.limit, 1)!;
      if (f.check) {
        const config = await ctx.config();
        const { rules, problems } = alertRules(config);
        if (problems.length > 0) throw new UserError(problems);
        const shown = rules.map((r) => ({
          name: r.name,
          kpi: r.kpi,
          scheme: r.scheme,
          segment: r.segment,
          when: r.condition.text,
          measures: r.condition.measures,
          notify: r.notify.map(describeTarget),
        }));
        ctx.emit({ rules: shown }, () =>
          shown.length === 0
            ? 'The config has no alert rules (add them under `alerts:`).'
            : [
                `${shown.length} alert rule${shown.length === 1 ? '' : 's'}, all valid:`,
                table(
                  ['rule', 'kpi', 'scheme / segment', 'when', 'notify'],
                  shown.map((r) => [
                    r.name,
                    r.kpi,
                    `${r.scheme} / ${r.segment ?? '(every segment)'}`,
                    r.when,
                    r.notify.join(', '),
                  ]),
                ),
              ].join('\n'),
        );
        return;
      }
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        if (f.rule !== undefined) {
          const known = [
            ...new Set([...(config?.alerts ?? []).map((a) => a.name), ...(await recordedRules(engine))]),
          ];
          if (!known.includes(f.rule))
            throw userError('unknown_rule', `there is no alert rule '${f.rule}'`, {
              hint:
                known.length > 0
                  ? didYouMean(f.rule, known)
                  : 'the config has no alert rules and none has fired',
            });
        }
        let retry: DeliveryReport | undefined;
        if (f.retry) {
          const env = webhookSettingsFromEnv(process.env);
          for (const p of env.problems) ctx.note(`warning: ${formatProblem(p)}`);
          retry = await deliverPending(engine, env.settings);
          for (const x of retry.failures)
            ctx.note(`warning: alert notification not delivered: ${x}; still pending`);
        }
        const alerts = await shownAlerts(engine, {
          ...(f.rule !== undefined ? { rule: f.rule } : {}),
          limit,
          threshold: minSegmentSizeOf(config),
        });
        const pending = await pendingCount(engine);
        const result = { alerts, pending_deliveries: pending, ...(retry ? { retry } : {}) };
        ctx.emit(result, () => renderAlerts(alerts, pending, retry));
      } finally {
        await engine.close();
      }
    });

  program
    .command('watch')
    .description('re-read the config, ingest and run on a schedule (alerts are evaluated at every run)')
    .requiredOption('--every <duration>', 'time between runs: 30s, 15m, 1h, 1d (or e.g. 1h30m)')
    .option('--max-runs <n>', 'stop after this many runs (default: until SIGINT or SIGTERM)')
    .option('--no-ingest', 'do not ingest before each run (the workspace is loaded some other way)')
    .option('--append', 'ingest only files not loaded before (as `segtrack ingest --append`)')
    .addHelpText(
      'after',
      [
        '',
        'Each run re-reads the config, ingests the source files and runs the pipeline; the outcome',
        'is logged on stderr. A failing run (a bad file, a broken config) is logged with its hint and',
        'the watch goes on at the next tick. The workspace is open only during a run. SIGINT or',
        'SIGTERM stops the watch after the current run (exit 0); a second signal stops it at once.',
      ].join('\n'),
    )
    .action(async (f: WatchFlags, cmd: Command) => {
      const ctx = context(cmd);
      const everyMs = parseDuration('--every', f.every);
      const maxRuns = intFlag('--max-runs', f.maxRuns, 1);
      const stamp = () => `[${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}]`;
      const log = (line: string) => ctx.note(line);
      const controller = new AbortController();
      let running = false;
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          log(
            `${stamp()} watch: ${signal} received, ${running ? 'finishing the current run, then stopping' : 'stopping'}`,
          );
          controller.abort();
        } else {
          // The run in progress is one transaction: DuckDB drops it when the process ends.
          log(`${stamp()} watch: ${signal} received again, stopping now`);
          process.exit(signal === 'SIGINT' ? 130 : 143);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const cycle = async (): Promise<CycleOutcome> => {
        running = true;
        try {
          const config = await ctx.config();
          const engine = await ctx.open(config);
          try {
            let loaded = '';
            if (f.ingest) {
              const r = await ingest(engine, config, { append: f.append === true });
              const rows = Object.values(r.tables).reduce((s, t) => s + t.accepted, 0);
              const rejected = Object.values(r.tables).reduce((s, t) => s + t.rejected, 0);
              loaded = `ingested ${num(rows)} rows${rejected > 0 ? ` (${num(rejected)} rejected)` : ''}; `;
            }
            const run = await runPipeline(engine, config);
            const fresh = run.alerts.fired.filter((a) => !a.repeat).length;
            const pending = run.alerts.deliveries?.pending ?? 0;
            return {
              summary:
                `${loaded}snapshot ${run.snapshot_id} as of ${run.as_of}: ${num(run.customers)} customers, ` +
                `${fresh} new alert${fresh === 1 ? '' : 's'}` +
                (pending > 0 ? `, ${pending} notification${pending === 1 ? '' : 's'} pending` : ''),
              detail: {
                snapshot_id: run.snapshot_id,
                as_of: run.as_of,
                alerts_fired: fresh,
                pending_deliveries: pending,
              },
            };
          } finally {
            await engine.close();
          }
        } finally {
          running = false;
        }
      };
      log(
        `${stamp()} watch: every ${f.every}` +
          `${maxRuns !== undefined ? `, at most ${maxRuns} run${maxRuns === 1 ? '' : 's'}` : ''}; config ${ctx.configPath}`,
      );
      try {
        const summary = await watchLoop({
          everyMs,
          ...(maxRuns !== undefined ? { maxRuns } : {}),
          cycle,
          describeError,
          log,
          stop: controller.signal,
        });
        log(
          `${stamp()} watch: stopped after ${summary.runs} run${summary.runs === 1 ? '' : 's'} (${summary.failed} failed)`,
        );
        ctx.emit(summary, () => `${summary.succeeded} of ${summary.runs} runs succeeded`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** A cycle's error as the watch logs it: each problem with its place and hint, never a stack. */
function describeError(e: unknown): string {
  if (e instanceof UserError) return e.problems.map(formatProblem).join('\n  ');
  if (e instanceof EngineError) return `the ${e.engine} engine failed: ${e.detail.split('\n')[0]}`;
  const text = e instanceof Error ? e.message : String(e);
  if (process.env['SEGTRACK_DEBUG'] === '1' && e instanceof Error && e.stack) return `${text}\n${e.stack}`;
  return `internal error: ${text} (set SEGTRACK_DEBUG=1 for details)`;
}

function renderAlerts(alerts: ShownAlert[], pending: number, retry: DeliveryReport | undefined): string {
  const lines: string[] = [];
  if (retry)
    lines.push(
      `Retried ${retry.attempted} notification${retry.attempted === 1 ? '' : 's'}: ${retry.delivered} delivered.`,
      '',
    );
  if (alerts.length === 0) lines.push('No alerts have fired.');
  else
    lines.push(
      table(
        ['fired at', 'rule', 'scheme / segment', 'kpi', 'value', 'previous', 'snapshot', 'as of'],
        alerts.map((a) => [
          a.fired_at.slice(0, 19).replace('T', ' '),
          a.rule,
          `${a.scheme} / ${a.segment}`,
          a.kpi,
          a.suppressed ? 'suppressed' : cell(a.value),
          a.suppressed ? '' : cell(a.previous),
          String(a.snapshot_id),
          a.as_of,
        ]),
      ),
    );
  if (pending > 0)
    lines.push(
      '',
      `${pending} notification${pending === 1 ? ' is' : 's are'} pending: retried at the next run, or now with --retry.`,
    );
  return lines.join('\n');
}
