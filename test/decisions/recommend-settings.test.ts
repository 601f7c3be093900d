/** The `recommend:` section of the config (src/decisions/recommend-settings.ts). */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { DEFAULT_ACTIONS } from '../../src/decisions/actions.js';
import { DEFAULT_PLAYBOOK } from '../../src/decisions/playbook.js';
import { recommendSettings } from '../../src/decisions/recommend-settings.js';

const config = (recommend: unknown, positions?: Record<string, { line: number; column: number }>) => ({
  path: '/tmp/segtrack.yaml',
  raw: { recommend },
  ...(positions ? { positions } : {}),
});

describe('recommendSettings', () => {
  it('defaults without a recommend section', () => {
    const s = recommendSettings({ path: '', raw: {} });
    expect(s.playbook).toBe(DEFAULT_PLAYBOOK);
    expect(s.playbookSource).toBe('default');
    expect(s.actions).toEqual(DEFAULT_ACTIONS);
    expect(s).toMatchObject({ newDays: 90, minResponses: 20, budgetSteps: 1000 });
    expect(recommendSettings(undefined).playbookSource).toBe('default');
  });

  it('reads a playbook (text and object conditions), action overrides and new actions', () => {
    const s = recommendSettings(
      config({
        new_days: 60,
        playbook: [
          { action: 'win_back', all: ['churn_risk >= 50%', { signal: 'value_index', op: '>', value: 1 }] },
          { action: 'sms_nudge', any: ['engagement_index <= 0.7'] },
          { action: 'no_action' },
        ],
        actions: {
          win_back: { cost_per_customer: 8, response_rate: 0.2 },
          sms_nudge: { cost_per_customer: 0.1, response_rate: 0.02, uplift_per_responder: 15 },
        },
      }),
    );
    expect(s.newDays).toBe(60);
    expect(s.playbookSource).toBe('config');
    expect(s.playbook[0]).toEqual({
      action: 'win_back',
      all: [
        { signal: 'churn_risk', op: '>=', value: 0.5 },
        { signal: 'value_index', op: '>', value: 1 },
      ],
    });
    expect(s.actions['win_back']).toEqual({
      ...DEFAULT_ACTIONS.win_back,
      cost_per_customer: 8,
      response_rate: 0.2,
    });
    expect(s.actions['sms_nudge']).toMatchObject({
      cost_per_customer: 0.1,
      uplift_per_responder: 15,
      basis: 'at_risk',
    });
  });

  it('reports every mistake at once, with its place and a hint', () => {
    let error: unknown;
    try {
      recommendSettings(
        config(
          {
            new_dayz: 30,
            playbook: [
              { action: 'winback', all: ['churn_rsk >= 0.5'] },
              { action: 'onboarding', all: ['new_share ~ 1'] },
            ],
            actions: { loyalty_programme: { response_rate: 40 }, sms: { cost_per_customer: 1 } },
          },
          { 'recommend.playbook.0.action': { line: 7, column: 15 } },
        ),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const problems = (error as UserError).problems;
    const text = problems.map((p) => `${p.message} | ${p.hint ?? ''}`).join('\n');
    expect(problems.length).toBe(6);
    expect(text).toContain("unknown setting 'new_dayz' | did you mean 'new_days'?");
    expect(text).toContain("unknown action 'winback' | did you mean 'win_back'?");
    expect(text).toContain('unknown signal "churn_rsk" | did you mean \'churn_risk\'?');
    expect(text).toContain("cannot read the condition 'new_share ~ 1'");
    expect(text).toContain('response_rate: is a share from 0 to 1, not 40');
    expect(text).toContain('a new action needs response_rate, uplift_share or uplift_per_responder');
    expect(problems.find((p) => p.message.includes('winback'))?.at).toEqual({
      file: '/tmp/segtrack.yaml',
      line: 7,
      column: 15,
    });
    expect(problems.every((p) => p.code === 'recommend_config')).toBe(true);
  });
});
