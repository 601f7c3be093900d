import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition, type Measures } from './condition.js';

const base: Measures = {
  value: 100,
  previous: 90,
  change: 10,
  pct_change: 10 / 90,
  anomaly: 1.2,
  customers: 40,
};
const holds = (text: string, m: Partial<Measures> = {}) => {
  const { condition, problems } = parseCondition(text);
  expect(problems, text).toEqual([]);
  return evaluateCondition(condition!, { ...base, ...m });
};
const problemsOf = (text: string) => parseCondition(text).problems;

describe('alert conditions', () => {
  it('compares measures with thresholds', () => {
    expect(holds('value < 100')).toBe(false);
    expect(holds('value <= 100')).toBe(true);
    expect(holds('change > 5')).toBe(true);
    expect(holds('pct_change < -0.1', { pct_change: -0.15 })).toBe(true);
    expect(holds('anomaly > 3')).toBe(false);
    expect(holds('abs(anomaly) > 3', { anomaly: -4 })).toBe(true);
    expect(holds('value between 50 and 100')).toBe(true);
    expect(holds('value not between 50 and 99')).toBe(true);
    expect(holds('VALUE - previous = change')).toBe(true);
  });

  it('combines with and, or, not and parentheses', () => {
    expect(holds('change > 5 and customers >= 50')).toBe(false);
    expect(holds('change > 5 or customers >= 50')).toBe(true);
    expect(holds('not (change > 5) or (value > 99 and customers > 10)')).toBe(true);
  });

  it('never fires on a missing measure (three-valued logic), but and/or short-circuit as in SQL', () => {
    expect(holds('change > 0', { change: null })).toBeNull();
    expect(holds('not (change > 0)', { change: null })).toBeNull();
    expect(holds('change > 0 and value > 1000', { change: null })).toBe(false);
    expect(holds('change > 0 or value > 1', { change: null })).toBe(true);
    expect(holds('value / (previous - 90) > 1')).toBeNull(); // division by zero
    expect(holds('anomaly > 3', { anomaly: Number.POSITIVE_INFINITY })).toBe(true);
  });

  it('reports unknown measures with a suggestion and the position', () => {
    const [p] = problemsOf('value > 1 and chnage > 0.05');
    expect(p).toMatchObject({
      code: 'alert_unknown_measure',
      at: { line: 1, column: 15 },
      hint: "did you mean 'change'?",
    });
    expect(p!.message).toBe("unknown measure 'chnage' at 1:15");
  });

  it('reports every problem at once, in order', () => {
    const ps = problemsOf("chnage > 'a' or median(value) > 3");
    expect(ps.map((p) => [p.code, p.at.column])).toEqual([
      ['alert_unknown_measure', 1],
      ['alert_unsupported', 10],
      ['alert_unsupported', 17],
    ]);
  });

  it('rejects a number where a test is needed, and misuse of operators', () => {
    expect(problemsOf('change')[0]).toMatchObject({ code: 'alert_condition_not_boolean' });
    expect(problemsOf('change and value > 1')[0]).toMatchObject({
      code: 'alert_type_mismatch',
      at: { column: 1 },
    });
    expect(problemsOf('(value > 1) > 2')[0]).toMatchObject({ code: 'alert_type_mismatch' });
    expect(problemsOf('value in (1, 2)')[0]).toMatchObject({ code: 'alert_unsupported', at: { column: 7 } });
    expect(problemsOf('value is null')[0]).toMatchObject({ code: 'alert_unsupported' });
    expect(problemsOf('abs(value, 2) > 1')[0]).toMatchObject({ code: 'alert_wrong_arguments' });
    expect(problemsOf('value % 2 = 1')[0]).toMatchObject({ code: 'alert_unsupported' });
  });

  it('passes syntax errors of the expression language through with their positions', () => {
    const [p] = problemsOf('change > ');
    expect(p).toMatchObject({ code: 'syntax_error', at: { line: 1 } });
    expect(problemsOf('change > 0.05;')[0]).toMatchObject({ code: 'invalid_character', at: { column: 14 } });
  });

  it('lists the measures a condition uses', () => {
    expect(
      parseCondition('abs(change) > 1 and change / previous > 0.1 or anomaly > 3').condition?.measures,
    ).toEqual(['change', 'previous', 'anomaly']);
  });
});
