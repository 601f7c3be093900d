import type { Command } from 'commander';
import { runDemo, type DemoResult } from '../../demo/demo.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag } from '../options.js';
import { loadConfig } from '../../config/load.js';
import { portFlag, serveWorkspace } from './serve.js';

interface DemoFlags {
  dir: string;
  customers: string;
  seed: string;
  serve: boolean;
  port?: string;
}

/** `segtrack demo` (and `npm start`): the whole pipeline on generated data. */
export function registerDemo(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('demo')
    .description('generate sample data, write its config, ingest it, check it and print a summary')
    .option('--dir <dir>', 'folder for the data, config and workspace', 'segtrack-demo')
    .option('--customers <n>', 'number of customers', '20000')
    .option('--seed <s>', 'random seed', '42')
    .option('--no-serve', 'exit when done instead of serving the dashboard')
    .option('--port <port>', 'dashboard port', '4173')
    .action(async (f: DemoFlags, cmd: Command) => {
      const ctx = context(cmd);
      const port = portFlag(f.port);
      const result = await runDemo({
        dir: f.dir,
        customers: intFlag('--customers', f.customers, 1)!,
        seed: intFlag('--seed', f.seed)!,
        progress: ctx.progress,
      });
      ctx.emit(result, () => renderDemo(result));
      if (f.serve) await serveWorkspace(ctx, await loadConfig(result.config), '127.0.0.1', port);
    });
}

function renderDemo(r: DemoResult): string {
  const s = r.summary;
  const t = Object.entries(r.ingest.tables).map(([name, c]) => [name, c.source_rows, c.rejected, c.loaded]);
  return [
    `segtrack demo — ${r.dir}`,
    '',
    `${num(s.customers)} customers (${num(s.customers_with_orders)} with orders), ${num(s.orders)} completed orders worth £${num(s.revenue)} from ${s.first_order ?? '—'} to ${s.last_order ?? '—'}`,
    `${num(s.events)} behavioural events, ${num(s.feedback)} survey answers`,
    '',
    table(['table', 'source rows', 'rejected', 'loaded'], t),
    '',
    table(
      ['acquisition channel', 'customers', 'revenue'],
      s.channels.map((c) =>
        c.suppressed
          ? [c.channel, 'suppressed', '—']
          : [c.channel, c.customers ?? 0, Math.round(c.revenue ?? 0)],
      ),
    ),
    '',
    `Data quality: ${r.quality.error} error(s), ${r.quality.warning} warning(s) — see \`segtrack quality --config ${r.config}\``,
    '',
    `${r.snapshots.length} monthly snapshots from ${r.snapshots[0]?.as_of ?? '—'} to ${r.snapshots[r.snapshots.length - 1]?.as_of ?? '—'}. RFM segments now:`,
    table(
      ['RFM segment', 'customers', 'revenue (12 months)', 'repeat rate'],
      r.rfm.map((s) => [
        s.segment,
        s.suppressed ? 'suppressed' : (s.customers ?? 0),
        Math.round(s.kpis['revenue']?.value ?? 0),
        s.kpis['repeat_rate']?.value !== null && s.kpis['repeat_rate']?.value !== undefined
          ? `${(s.kpis['repeat_rate'].value * 100).toFixed(0)}%`
          : '—',
      ]),
    ),
    '',
    `Config:    ${r.config}`,
    `Workspace: ${r.workspace}`,
    `Report:    ${r.report} (open it in a browser; it works offline)`,
    `Try:       npx segtrack segments --scheme rfm --config ${r.config}`,
    `           npx segtrack trend --kpi customers --scheme lifecycle --config ${r.config}`,
  ].join('\n');
}
