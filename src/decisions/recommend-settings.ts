/**
 * The recommendation settings: defaults in code, overridden by the config's `recommend:` section
 * (read from `Config.raw`; CONTEXT.md, "Configuration"). Every mistake is collected and reported
 * together, each with its place in the config file and a hint.
 */
import type { Config } from '../config/types.js';
import { type Problem, UserError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { type ActionAssumptions, DEFAULT_ACTIONS, NO_ACTION } from './actions.js';
import {
  type Condition,
  DEFAULT_PLAYBOOK,
  OPERATORS,
  type Operator,
  type PlaybookRule,
  SIGNALS,
  type Signal,
} from './playbook.js';

/** Everything the recommendation stage can be told. */
export interface RecommendSettings {
  playbook: readonly PlaybookRule[];
  /** Where the playbook came from. */
  playbookSource: 'default' | 'config';
  actions: Record<string, ActionAssumptions>;
  /** A customer whose tenure is at most this many days counts as new (default 90). */
  newDays: number;
  /** NPS and CSAT of a segment with fewer responders are treated as unknown (default 20). */
  minResponses: number;
  /** Increments the budget is cut into (default 1000). */
  budgetSteps: number;
}

/** The defaults. */
export const DEFAULT_SETTINGS: RecommendSettings = {
  playbook: DEFAULT_PLAYBOOK,
  playbookSource: 'default',
  actions: { ...DEFAULT_ACTIONS },
  newDays: 90,
  minResponses: 20,
  budgetSteps: 1000,
};

const SECTION_KEYS = ['playbook', 'actions', 'new_days', 'min_responses', 'budget_steps'];
const RULE_KEYS = ['action', 'all', 'any'];
const ACTION_KEYS = [
  'label',
  'description',
  'basis',
  'cost_per_customer',
  'response_rate',
  'uplift_per_responder',
  'uplift_share',
];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads `recommend:` from the config's raw document (absent: the defaults).
 *
 * @throws {UserError} listing every problem (code `recommend_config`), with line and column when
 *   the config came from a file.
 * @example
 * // segtrack.yaml
 * // recommend:
 * //   playbook:
 * //     - {action: win_back, all: ["churn_risk >= 0.5", "value_index >= 1"]}
 * //     - {action: no_action}
 * //   actions:
 * //     win_back: {cost_per_customer: 8, response_rate: 0.2}
 * recommendSettings(config).playbook[0].all; // [{signal: 'churn_risk', op: '>=', value: 0.5}, …]
 */
export function recommendSettings(
  config: Pick<Config, 'raw' | 'positions' | 'path'> | undefined,
): RecommendSettings {
  const section = config?.raw['recommend'];
  if (section === undefined || section === null)
    return { ...DEFAULT_SETTINGS, actions: { ...DEFAULT_ACTIONS } };
  const problems: Problem[] = [];
  const at = (path: string) => {
    const p = config?.positions?.[path];
    return p
      ? { file: config?.path ?? '', line: p.line, column: p.column }
      : config?.path
        ? { file: config.path }
        : undefined;
  };
  const problem = (path: string, message: string, hint?: string) => {
    const where = at(path);
    problems.push({
      code: 'recommend_config',
      message: `${path}: ${message}`,
      ...(where ? { at: where } : {}),
      ...(hint ? { hint } : {}),
    });
  };
  if (!isRecord(section)) {
    problem('recommend', 'must be a mapping', 'e.g. recommend: {new_days: 60}');
    throw new UserError(problems);
  }
  for (const k of Object.keys(section))
    if (!SECTION_KEYS.includes(k))
      problem(`recommend.${k}`, `unknown setting '${k}'`, didYouMean(k, SECTION_KEYS));

  const whole = (key: string, fallback: number, min: number): number => {
    const v = section[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      problem(`recommend.${key}`, `must be a whole number ≥ ${min}, not ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  };
  const newDays = whole('new_days', DEFAULT_SETTINGS.newDays, 1);
  const minResponses = whole('min_responses', DEFAULT_SETTINGS.minResponses, 1);
  const budgetSteps = whole('budget_steps', DEFAULT_SETTINGS.budgetSteps, 1);

  const actions = readActions(section['actions'], problem);
  const known = Object.keys(actions);
  let playbook: readonly PlaybookRule[] = DEFAULT_PLAYBOOK;
  let playbookSource: RecommendSettings['playbookSource'] = 'default';
  const rawPlaybook = section['playbook'];
  if (rawPlaybook !== undefined && rawPlaybook !== null) {
    if (!Array.isArray(rawPlaybook) || rawPlaybook.length === 0)
      problem(
        'recommend.playbook',
        'must be a non-empty list of rules',
        'e.g. - {action: win_back, all: ["churn_risk >= 0.6"]}',
      );
    else {
      playbook = rawPlaybook.map((r, i) => readRule(r, `recommend.playbook.${i}`, known, problem));
      playbookSource = 'config';
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return { playbook, playbookSource, actions, newDays, minResponses, budgetSteps };
}

type Report = (path: string, message: string, hint?: string) => void;

function readActions(raw: unknown, problem: Report): Record<string, ActionAssumptions> {
  const out: Record<string, ActionAssumptions> = { ...DEFAULT_ACTIONS };
  if (raw === undefined || raw === null) return out;
  if (!isRecord(raw)) {
    problem('recommend.actions', 'must be a mapping of action → assumptions');
    return out;
  }
  for (const [name, given] of Object.entries(raw)) {
    const path = `recommend.actions.${name}`;
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      problem(path, `action names are lower-case words joined by _, not '${name}'`);
      continue;
    }
    if (!isRecord(given)) {
      problem(
        path,
        'must be a mapping',
        'e.g. {cost_per_customer: 5, response_rate: 0.1, uplift_share: 0.3}',
      );
      continue;
    }
    const base: ActionAssumptions = out[name] ?? {
      label: name.replaceAll('_', ' '),
      description: `custom action '${name}'`,
      basis: 'at_risk',
      cost_per_customer: Number.NaN,
      response_rate: Number.NaN,
      uplift_share: Number.NaN,
    };
    const next: ActionAssumptions = { ...base };
    for (const [k, v] of Object.entries(given)) {
      const p = `${path}.${k}`;
      if (!ACTION_KEYS.includes(k)) {
        problem(p, `unknown setting '${k}'`, didYouMean(k, ACTION_KEYS));
        continue;
      }
      if (k === 'label' || k === 'description') {
        if (typeof v === 'string' && v.trim() !== '') next[k] = v;
        else problem(p, 'must be a text');
      } else if (k === 'basis') {
        if (v === 'at_risk' || v === 'clv') next.basis = v;
        else problem(p, `must be at_risk or clv, not ${JSON.stringify(v)}`);
      } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        problem(p, `must be a number ≥ 0, not ${JSON.stringify(v)}`);
      } else if ((k === 'response_rate' || k === 'uplift_share') && v > 1) {
        problem(p, `is a share from 0 to 1, not ${v}`, `e.g. ${k}: ${(v / 100).toString()} for ${v} %`);
      } else if (
        k === 'cost_per_customer' ||
        k === 'response_rate' ||
        k === 'uplift_share' ||
        k === 'uplift_per_responder'
      ) {
        next[k] = v;
      }
    }
    if (out[name] === undefined) {
      const missing = ['cost_per_customer', 'response_rate'].filter((k) =>
        Number.isNaN(next[k as 'response_rate']),
      );
      if (Number.isNaN(next.uplift_share) && next.uplift_per_responder === undefined)
        missing.push('uplift_share or uplift_per_responder');
      if (Number.isNaN(next.uplift_share)) next.uplift_share = 0;
      if (missing.length > 0) problem(path, `a new action needs ${missing.join(', ')}`);
    }
    out[name] = next;
  }
  return out;
}

function readRule(raw: unknown, path: string, actions: string[], problem: Report): PlaybookRule {
  if (!isRecord(raw)) {
    problem(
      path,
      'a rule is a mapping with action, all and/or any',
      'e.g. {action: onboarding, all: ["new_share >= 0.5"]}',
    );
    return { action: NO_ACTION };
  }
  for (const k of Object.keys(raw))
    if (!RULE_KEYS.includes(k)) problem(`${path}.${k}`, `unknown setting '${k}'`, didYouMean(k, RULE_KEYS));
  const action = raw['action'];
  let name: string = NO_ACTION;
  if (typeof action !== 'string')
    problem(`${path}.action`, 'every rule names an action', `one of ${actions.join(', ')}`);
  else if (!actions.includes(action))
    problem(
      `${path}.action`,
      `unknown action '${action}'`,
      `${didYouMean(action, actions)} (a new action needs its assumptions under recommend.actions.${action})`,
    );
  else name = action;
  const rule: PlaybookRule = { action: name };
  for (const key of ['all', 'any'] as const) {
    const list = raw[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      problem(
        `${path}.${key}`,
        'must be a list of conditions',
        'e.g. ["churn_risk >= 0.6", "value_index >= 0.5"]',
      );
      continue;
    }
    const conditions: Condition[] = [];
    list.forEach((c, j) => {
      const parsed = readCondition(c, `${path}.${key}.${j}`, problem);
      if (parsed) conditions.push(parsed);
    });
    rule[key] = conditions;
  }
  return rule;
}

/** A condition as text (`churn_risk >= 0.6`) or as `{signal, op, value}`. */
function readCondition(raw: unknown, path: string, problem: Report): Condition | undefined {
  let signal: unknown;
  let op: unknown;
  let value: unknown;
  if (typeof raw === 'string') {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|<|>)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*(%?)\s*$/.exec(raw);
    if (!m) {
      problem(
        path,
        `cannot read the condition '${raw}'`,
        'write it as `signal op number`, e.g. "churn_risk >= 0.6"',
      );
      return undefined;
    }
    signal = m[1];
    op = m[2];
    value = Number(m[3]) / (m[4] === '%' ? 100 : 1);
  } else if (isRecord(raw)) {
    ({ signal, op, value } = raw);
  } else {
    problem(path, 'a condition is a text like "churn_risk >= 0.6" or {signal, op, value}');
    return undefined;
  }
  let ok = true;
  if (typeof signal !== 'string' || !(SIGNALS as readonly string[]).includes(signal)) {
    problem(path, `unknown signal ${JSON.stringify(signal)}`, didYouMean(String(signal), [...SIGNALS]));
    ok = false;
  }
  if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
    problem(path, `unknown comparison ${JSON.stringify(op)}`, `one of ${OPERATORS.join(' ')}`);
    ok = false;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problem(path, `the threshold must be a number, not ${JSON.stringify(value)}`);
    ok = false;
  }
  return ok ? { signal: signal as Signal, op: op as Operator, value: value as number } : undefined;
}
