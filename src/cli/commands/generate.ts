import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { generate } from '../../generate/generate.js';
import type { CommandContext } from '../context.js';
import { num } from '../format.js';
import { dateFlag, intFlag, numberFlag } from '../options.js';

interface GenerateFlags {
  out: string;
  customers?: string;
  seed?: string;
  format?: string;
  ordersPerCustomer?: string;
  start?: string;
  end?: string;
  events?: boolean;
}

/** `segtrack generate`: realistic sample data with known personas. */
export function registerGenerate(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('generate')
    .description('generate realistic sample data (customers, orders, events, spend, feedback) and truth.json')
    .requiredOption('--out <dir>', 'folder to write the files to')
    .option('--customers <n>', 'number of customers', '20000')
    .option('--seed <s>', 'random seed (same seed, same files)', '42')
    .option('--format <format>', 'csv | parquet', 'csv')
    .option('--orders-per-customer <k>', 'target mean number of orders per customer')
    .option('--start <date>', 'first sign-up day (YYYY-MM-DD)')
    .option('--end <date>', 'last day of data (YYYY-MM-DD)')
    .option('--no-events', 'skip behavioural events')
    .action(async (f: GenerateFlags, cmd: Command) => {
      const ctx = context(cmd);
      if (f.format !== 'csv' && f.format !== 'parquet')
        throw userError('bad_flag', `--format must be csv or parquet, not '${f.format}'`);
      const opc = numberFlag('--orders-per-customer', f.ordersPerCustomer, 1);
      const start = dateFlag('--start', f.start);
      const end = dateFlag('--end', f.end);
      const result = await generate({
        out: f.out,
        customers: intFlag('--customers', f.customers, 1)!,
        seed: intFlag('--seed', f.seed)!,
        format: f.format,
        events: f.events !== false,
        onProgress: ctx.progress,
        ...(opc !== undefined ? { ordersPerCustomer: opc } : {}),
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
      });
      ctx.emit(result, () =>
        [
          `Generated ${num(result.customers)} customers and ${num(result.orders)} orders in ${result.out}`,
          ...Object.entries(result.files).map(([t, p]) => `  ${t.padEnd(16)} ${p}`),
        ].join('\n'),
      );
    });
}
