import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { initTemplate, type Objective } from '../../config/template.js';
import { formatFromName } from '../../ingest/files.js';
import type { CanonicalTableName } from '../../model/canonical.js';
import type { CommandContext } from '../context.js';

const OBJECTIVES: Objective[] = ['growth', 'retention', 'profitability', 'satisfaction'];

/** File-name words that suggest a canonical table. */
const TABLE_WORDS: [RegExp, CanonicalTableName][] = [
  [/order_?items|line_?items|lines/i, 'order_items'],
  [/orders|transactions|invoices|sales|purchases/i, 'orders'],
  [/customers|clients|users|contacts/i, 'customers'],
  [/events|activity|sessions|clicks/i, 'events'],
  [/spend|marketing|campaign/i, 'marketing_spend'],
  [/feedback|survey|nps|csat/i, 'feedback'],
];

/** Data files in `dir` and `dir/data` whose names suggest a canonical table. */
export function guessSources(dir: string): Partial<Record<CanonicalTableName, string>> {
  const found: Partial<Record<CanonicalTableName, string>> = {};
  for (const sub of ['.', 'data']) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      if (formatFromName(name) === undefined) continue;
      const table = TABLE_WORDS.find(([re]) => re.test(name))?.[1];
      if (table !== undefined && found[table] === undefined) found[table] = relative(dir, join(folder, name));
    }
  }
  return found;
}

/** `segtrack init`: write a commented config to start from. */
export function registerInit(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('init')
    .description(
      'write a commented segtrack.yaml (sources guessed from data files found in DIR and DIR/data)',
    )
    .option('--dir <dir>', 'where to write segtrack.yaml', '.')
    .option(
      '--objective <objective>',
      'business objective: growth | retention | profitability | satisfaction',
    )
    .option('--force', 'overwrite an existing segtrack.yaml')
    .action((flags: { dir: string; objective?: string; force?: boolean }, cmd: Command) => {
      const ctx = context(cmd);
      const dir = resolve(flags.dir);
      const objective = flags.objective ?? 'retention';
      if (!OBJECTIVES.includes(objective as Objective))
        throw userError('bad_flag', `--objective ${objective} is not an objective`, {
          hint: didYouMean(objective, OBJECTIVES),
        });
      const path = join(dir, 'segtrack.yaml');
      if (existsSync(path) && flags.force !== true)
        throw userError('config_exists', `${path} already exists`, { hint: 'pass --force to overwrite it' });
      const sources = guessSources(dir);
      mkdirSync(dir, { recursive: true });
      const hint = Object.keys(sources).length > 0 ? { sourcesHint: sources } : {};
      writeFileSync(path, initTemplate({ objective: objective as Objective, ...hint }));
      ctx.emit({ config: path, objective, sources }, () =>
        [
          `Wrote ${path} (objective: ${objective}).`,
          Object.keys(sources).length > 0
            ? `Sources found: ${Object.entries(sources)
                .map(([t, f]) => `${t} ← ${f}`)
                .join(', ')}.`
            : 'No data files found; edit the sources: section to point at yours.',
          'Next: edit it, then run `segtrack ingest`.',
        ].join('\n'),
      );
    });
}
