/**
 * The alert rules of a config (`alerts:`), checked: each rule's condition parsed (./condition.ts),
 * its KPI looked up in the catalogue and the custom KPIs, its `notify:` targets parsed. Every
 * mistake in every rule is collected, each at its place in the config file with a hint. Pure.
 */
import type { Config } from '../config/types.js';
import type { Location, Problem } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { KPI_NAMES } from '../kpis/catalogue.js';
import { resolveKpiSelection } from '../kpis/objectives.js';
import { BASE_SCHEME, BASE_SEGMENT } from '../snapshot/store.js';
import { parseCondition, type AlertCondition } from './condition.js';
import { DEFAULT_NOTIFY, parseNotifyTarget, type NotifyTarget } from './notify-target.js';

/** One checked alert rule. */
export interface AlertRule {
  name: string;
  kpi: string;
  /** The scheme it watches; `(all)` for the whole base (a rule without `scheme:`). */
  scheme: string;
  /** One segment, or null for every segment of the scheme (`All customers` for the base). */
  segment: string | null;
  condition: AlertCondition;
  notify: NotifyTarget[];
  /** Position in the config's `alerts:` list (0-based). */
  index: number;
}

/** Where `alerts.<i>.<key>` was written in the config file. */
export function alertLocation(config: Config, index: number, key?: string): Location {
  const p =
    (key === undefined ? undefined : config.positions?.[`alerts.${index}.${key}`]) ??
    config.positions?.[`alerts.${index}`];
  const file = config.path === '' ? undefined : config.path;
  const at: Location = {};
  if (file !== undefined) at.file = file;
  if (p) {
    at.line = p.line;
    at.column = p.column;
  }
  return at;
}

/**
 * The config's alert rules that are correct, and a problem for each mistake (codes
 * `alert_condition_*` / `alert_unknown_measure` / `alert_unsupported` / `syntax_error`… for
 * `when`, `alert_unknown_kpi`, `alert_kpi_not_computed`, `alert_bad_notify`). A rule with a
 * mistake is left out; the others still work.
 *
 * @example const { rules, problems } = alertRules(config);
 */
export function alertRules(config: Config): { rules: AlertRule[]; problems: Problem[] } {
  const rules: AlertRule[] = [];
  const problems: Problem[] = [];
  const custom = (config.kpis?.custom ?? []).map((c) => c.name);
  const known = [...KPI_NAMES, ...custom];
  let selected: string[] | undefined;
  try {
    selected = [...resolveKpiSelection(config).kpis, ...custom];
  } catch {
    selected = undefined; // kpis.include itself is wrong: the run reports that.
  }
  (config.alerts ?? []).forEach((a, i) => {
    const label = `alerts[${i}] (${a.name})`;
    const before = problems.length;
    const add = (key: string, code: string, message: string, hint?: string) => {
      const p: Problem = { code, message: `${label}.${key}: ${message}`, at: alertLocation(config, i, key) };
      if (hint !== undefined) p.hint = hint;
      problems.push(p);
    };
    const parsed = parseCondition(a.when);
    for (const p of parsed.problems) add('when', p.code, p.message, p.hint);
    if (!known.includes(a.kpi))
      add('kpi', 'alert_unknown_kpi', `unknown KPI '${a.kpi}'`, didYouMean(a.kpi, known));
    else if (selected !== undefined && !selected.includes(a.kpi))
      add(
        'kpi',
        'alert_kpi_not_computed',
        `the KPI '${a.kpi}' is not computed with this config`,
        `add it to kpis.include (now: ${selected.join(', ')})`,
      );
    const notify: NotifyTarget[] = [];
    (a.notify ?? DEFAULT_NOTIFY).forEach((text, j) => {
      const t = parseNotifyTarget(text, config.baseDir);
      if ('target' in t) notify.push(t.target);
      else add(`notify.${j}`, 'alert_bad_notify', t.message, t.hint);
    });
    if (problems.length > before || parsed.condition === undefined) return;
    const base = a.scheme === undefined;
    rules.push({
      name: a.name,
      kpi: a.kpi,
      scheme: base ? BASE_SCHEME : a.scheme!,
      segment: base ? BASE_SEGMENT : (a.segment ?? null),
      condition: parsed.condition,
      notify,
      index: i,
    });
  });
  problems.sort(
    (a, b) =>
      (a.at?.line ?? Infinity) - (b.at?.line ?? Infinity) ||
      (a.at?.column ?? Infinity) - (b.at?.column ?? Infinity),
  );
  return { rules, problems };
}
