/**
 * Webhook settings from the environment: the signing secret and, mostly for tests and slow
 * receivers, the timeout, the number of attempts and the backoff.
 */
import type { Problem } from '../core/errors.js';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from './webhook.js';

const LIMITS = {
  SEGTRACK_WEBHOOK_TIMEOUT_MS: { key: 'timeoutMs', min: 1, max: 600_000 },
  SEGTRACK_WEBHOOK_ATTEMPTS: { key: 'attempts', min: 1, max: 20 },
  SEGTRACK_WEBHOOK_BACKOFF_MS: { key: 'backoffMs', min: 0, max: 600_000 },
} as const;

/**
 * Reads `SEGTRACK_WEBHOOK_SECRET`, `SEGTRACK_WEBHOOK_TIMEOUT_MS`, `SEGTRACK_WEBHOOK_ATTEMPTS` and
 * `SEGTRACK_WEBHOOK_BACKOFF_MS`; a value that is not a whole number in range is reported (code
 * `alert_bad_setting`) and the default used.
 *
 * @example webhookSettingsFromEnv({ SEGTRACK_WEBHOOK_ATTEMPTS: '5' }).settings.attempts // 5
 */
export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv): {
  settings: WebhookSettings;
  problems: Problem[];
} {
  const settings: WebhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS };
  const problems: Problem[] = [];
  for (const [name, { key, min, max }] of Object.entries(LIMITS)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) settings[key] = n;
    else
      problems.push({
        code: 'alert_bad_setting',
        message: `${name} must be a whole number from ${min} to ${max}, not '${raw}'; using ${settings[key]}`,
        hint: `unset ${name} to use the default`,
      });
  }
  const secret = env['SEGTRACK_WEBHOOK_SECRET'];
  if (secret !== undefined && secret !== '') settings.secret = secret;
  return { settings, problems };
}
