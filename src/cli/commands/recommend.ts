import type { Command } from 'commander';
import { userError } from '../../core/errors.js';
import { recommend, type RecommendResult } from '../../decisions/recommend.js';
import type { StakeMeasure } from '../../decisions/value-at-stake.js';
import { unitEconomics, type EconomicsBy, type EconomicsResult } from '../../decisions/unit-economics.js';
import { minSegmentSizeOf } from '../../privacy/threshold.js';
import { suppressionLabel, suppressionNote } from '../../privacy/suppression.js';
import type { CommandContext } from '../context.js';
import { num, table } from '../format.js';
import { intFlag, numberFlag } from '../options.js';

/** Short names of the value-at-stake measures for the table (definitions under it). */
const STAKE_LABEL: Record<StakeMeasure, string> = {
  lapsed_value: 'lapsed value',
  churned_revenue: 'revenue lost to churn',
  revenue_x_churn_rate: 'revenue × churn rate',
  predicted_clv_total: 'total predicted CLV',
  historical_clv_total: 'total historical CLV',
};

const signedPct = (x: number | null) =>
  x === null ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100)).toLocaleString('en-GB')} %`;

function humanRecommendations(r: RecommendResult, currency: string | undefined): string {
  const unit = currency ? ` ${currency}` : '';
  const lines = [
    `Recommendations for ${r.schemes.join(', ')} — snapshot ${r.snapshot_id} as of ${r.as_of}` +
      (r.previous_as_of ? ` (trends since ${r.previous_as_of})` : ''),
  ];
  const budget = r.allocation !== null;
  for (const scheme of r.schemes) {
    const mine = r.recommendations.filter((x) => x.scheme === scheme);
    if (r.schemes.length > 1) lines.push('', `Scheme ${scheme}`);
    lines.push(
      '',
      table(
        [
          'segment',
          'customers',
          'action',
          'value at stake',
          'measured as',
          ...(budget && scheme === r.allocation?.scheme ? ['budget', 'expected value', 'ROI'] : []),
        ],
        mine.map((x) => {
          if (x.suppressed)
            return [x.segment, suppressionLabel(x.suppression!, r.min_segment_size), '—', '—', ''];
          const row: (string | number | null)[] = [
            x.segment,
            num(x.customers),
            x.label,
            x.value_at_stake === null ? '—' : num(x.value_at_stake),
            x.value_at_stake_basis === null ? '' : STAKE_LABEL[x.value_at_stake_basis],
          ];
          if (budget && scheme === r.allocation?.scheme)
            row.push(num(x.budget), num(x.expected_value), x.action === 'no_action' ? '—' : signedPct(x.roi));
          return row;
        }),
      ),
    );
    lines.push('', 'Why:');
    for (const x of mine) if (!x.suppressed) lines.push(`  ${x.segment} — ${x.rationale}`);
  }
  const a = r.allocation;
  if (a) {
    lines.push(
      '',
      `Budget ${num(a.budget)}${unit} across ${a.scheme}: allocated ${num(a.allocated)}, expected incremental value ` +
        `${num(a.expected_value)}${unit} (ROI ${signedPct(a.roi)}).`,
      ...a.why.map((w) => `  ${w}`),
    );
  }
  lines.push('', 'Assumptions (recommend.actions in the config; replace them with your own test results):');
  for (const [name, x] of Object.entries(r.assumptions)) {
    if (name === 'no_action') continue;
    const uplift =
      x.uplift_per_responder !== undefined
        ? `${num(x.uplift_per_responder, 2)}${unit} per responder`
        : `${Math.round(x.uplift_share * 100)} % of the value at stake per customer per responder`;
    lines.push(
      `  ${x.label} (${name}): ${x.description}; cost ${num(x.cost_per_customer, 2)}${unit} per customer, ` +
        `${Math.round(x.response_rate * 100)} % respond, ${uplift}.`,
    );
  }
  lines.push('', 'Definitions:', ...Object.entries(r.definitions).map(([k, v]) => `  ${k}: ${v}`));
  if (r.recommendations.some((x) => x.suppressed)) lines.push('', suppressionNote(r.min_segment_size));
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `Note: ${n}.`));
  return lines.join('\n');
}

function humanEconomics(r: EconomicsResult, currency: string | undefined): string {
  const unit = currency ? ` (${currency})` : '';
  const clv =
    r.clv_basis === 'predicted_clv'
      ? 'predicted CLV'
      : r.clv_basis === 'historical_margin'
        ? 'historical margin'
        : 'historical revenue';
  const lines = [
    `Unit economics by ${r.by === 'segment' ? `segment of ${r.scheme ?? ''}` : r.by}, as of ${r.as_of}${unit}. ` +
      `CLV: ${clv}; payback on ${r.payback_basis}.`,
    '',
  ];
  const row = (g: EconomicsResult['total']): (string | number | null)[] =>
    g.suppressed
      ? [g.group, suppressionLabel(g.suppression!, r.min_segment_size), '', '', '', '', '', '', '']
      : [
          g.group,
          num(g.customers),
          num(g.paid_customers),
          num(g.spend),
          g.cac === null ? (g.paid_customers === 0 ? 'unknown' : '—') : num(g.cac, 2),
          num(g.blended_cac, 2),
          num(g.clv, 2),
          g.clv_cac === null ? '—' : num(g.clv_cac, 2),
          g.payback_months === null
            ? g.cac === null
              ? '—'
              : `> ${g.observed_months ?? 0}`
            : String(g.payback_months),
        ];
  lines.push(
    table(
      [r.by, 'customers', 'paid', 'spend', 'CAC', 'blended CAC', 'CLV', 'CLV:CAC', 'payback (months)'],
      [...r.groups.map(row), row(r.total)],
    ),
  );
  const i = r.intervention;
  if (i)
    lines.push(
      '',
      `Intervention: ${num(i.effect_per_customer, 2)} × ${num(i.customers)} customers − cost ${num(i.cost, 2)} = ` +
        `net ${num(i.net_value, 2)} (ROI ${signedPct(i.roi)}).`,
    );
  lines.push('', 'Definitions:', ...Object.entries(r.definitions).map(([k, v]) => `  ${k}: ${v}`));
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `Note: ${n}.`));
  return lines.join('\n');
}

const isEconomicsBy = (x: string): x is EconomicsBy => x === 'channel' || x === 'cohort' || x === 'segment';

interface EconomicsFlags {
  by?: string;
  scheme?: string;
  snapshot?: string;
  effect?: string;
  cost?: string;
  customers?: string;
}

/** Registers `segtrack recommend` and `segtrack economics`. */
export function registerRecommend(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('recommend')
    .description(
      'an action per segment from the playbook, with its value at stake; --budget allocates a budget',
    )
    .option('--scheme <scheme>', 'one scheme (default: every scheme; with --budget, the first)')
    .option('--budget <amount>', 'budget to allocate across the segments of the scheme')
    .option('--snapshot <id>', 'snapshot (default: the latest)')
    .action(async (f: { scheme?: string; budget?: string; snapshot?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const budget = numberFlag('--budget', f.budget?.replaceAll('_', ''));
        const snapshotId = intFlag('--snapshot', f.snapshot);
        const r = await recommend(engine, config, {
          ...(f.scheme !== undefined ? { scheme: f.scheme } : {}),
          ...(budget !== undefined ? { budget } : {}),
          ...(snapshotId !== undefined ? { snapshotId } : {}),
        });
        ctx.emit(r, () => humanRecommendations(r, config?.currency));
      } finally {
        await engine.close();
      }
    });

  program
    .command('economics')
    .description('unit economics: CAC, CLV, CLV:CAC and payback per acquisition channel, cohort or segment')
    .option('--by <group>', 'channel | cohort | segment (default channel)')
    .option('--scheme <scheme>', 'the scheme of --by segment')
    .option('--snapshot <id>', 'snapshot of the scheme (default: the latest)')
    .option('--effect <value>', "an intervention's incremental value per treated customer (with --cost)")
    .option('--cost <amount>', "the intervention's total cost (with --effect)")
    .option('--customers <n>', 'customers the intervention treats (default: all)')
    .action(async (f: EconomicsFlags, cmd: Command) => {
      const ctx = context(cmd);
      const by = f.by ?? (f.scheme !== undefined ? 'segment' : 'channel');
      if (!isEconomicsBy(by))
        throw userError('bad_flag', `--by must be channel, cohort or segment, not '${by}'`);
      if ((f.effect === undefined) !== (f.cost === undefined))
        throw userError('bad_flag', '--effect and --cost go together', {
          hint: 'e.g. --effect 4 --cost 2500: 4 per treated customer, 2,500 in all',
        });
      const effect = numberFlag('--effect', f.effect, -Number.MAX_VALUE);
      const cost = numberFlag('--cost', f.cost);
      const customers = intFlag('--customers', f.customers);
      const config = await ctx.optionalConfig();
      const engine = await ctx.open(config, { mustExist: true });
      try {
        const snapshotId = intFlag('--snapshot', f.snapshot);
        const r = await unitEconomics(engine, {
          by,
          minSegmentSize: minSegmentSizeOf(config),
          ...(f.scheme !== undefined ? { scheme: f.scheme } : {}),
          ...(snapshotId !== undefined ? { snapshotId } : {}),
          ...(effect !== undefined && cost !== undefined
            ? { intervention: { effect, cost, ...(customers !== undefined ? { customers } : {}) } }
            : {}),
        });
        ctx.emit(r, () => humanEconomics(r, config?.currency));
      } finally {
        await engine.close();
      }
    });
}
