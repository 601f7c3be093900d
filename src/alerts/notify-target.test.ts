import { describe, expect, it } from 'vitest';
import { describeTarget, parseNotifyTarget } from './notify-target.js';

describe('notify targets', () => {
  it('reads console, jsonl paths relative to the config and webhook URLs', () => {
    expect(parseNotifyTarget('console', '/p')).toEqual({ target: { kind: 'console' } });
    expect(parseNotifyTarget('jsonl:out/alerts.jsonl', '/p')).toEqual({
      target: { kind: 'jsonl', path: '/p/out/alerts.jsonl' },
    });
    expect(parseNotifyTarget('jsonl:/var/a.jsonl', '/p')).toEqual({
      target: { kind: 'jsonl', path: '/var/a.jsonl' },
    });
    expect(parseNotifyTarget('https://hooks.example.com/x?y=1', '/p')).toEqual({
      target: { kind: 'webhook', url: 'https://hooks.example.com/x?y=1' },
    });
  });

  it('explains what is wrong', () => {
    expect(parseNotifyTarget('slack', '/p')).toMatchObject({
      message: "unknown notification target 'slack'",
    });
    expect(parseNotifyTarget('jsonl:', '/p')).toMatchObject({ message: "'jsonl:' names no file" });
    expect(parseNotifyTarget('https://u:pw@example.com/', '/p')).toMatchObject({
      message: 'a webhook URL must not carry a user name or password',
    });
  });

  it('shows a webhook by its origin only, since its path may hold a token', () => {
    expect(describeTarget({ kind: 'webhook', url: 'https://hooks.slack.com/services/T0/B0/secret' })).toBe(
      'https://hooks.slack.com/…',
    );
  });
});
