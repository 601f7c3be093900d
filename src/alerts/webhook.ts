/**
 * One webhook delivery: a JSON POST with a timeout, retried with exponential backoff, signed
 * (./signature.ts). Node's built-in fetch; no dependencies.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody } from './signature.js';

/** How webhooks are sent. */
export interface WebhookSettings {
  /** Per attempt, in milliseconds (default 5000; `SEGTRACK_WEBHOOK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Attempts per delivery and run (default 3; `SEGTRACK_WEBHOOK_ATTEMPTS`). */
  attempts: number;
  /** Wait before the second attempt; doubled before each further one (default 200 ms; `SEGTRACK_WEBHOOK_BACKOFF_MS`). */
  backoffMs: number;
  /** The signing key (`SEGTRACK_WEBHOOK_SECRET`); requests go unsigned without one. */
  secret?: string;
}

/** The defaults of {@link WebhookSettings}: attempts at 0, 0.2 and 0.6 s (waits 0.2, 0.4 s). */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { timeoutMs: 5000, attempts: 3, backoffMs: 200 };

/** What a delivery did. */
export interface WebhookResult {
  ok: boolean;
  attempts: number;
  /** The last failure (`HTTP 503`, `connection refused`, `timed out after 5000 ms`). */
  error?: string;
}

/** A status worth retrying at once: the receiver is overloaded or briefly unavailable. */
function retryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function failure(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
    return `timed out after ${timeoutMs} ms`;
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code !== undefined) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * POSTs `body` (JSON text) to `url`. Each attempt carries a fresh timestamp and signature and the
 * same `X-Segtrack-Delivery` id; a 2xx answer is success. Network errors, timeouts, 5xx, 408 and
 * 429 are retried after `backoffMs`, `2 × backoffMs`, … up to `attempts` in all; another 4xx
 * answer (the receiver refuses this request: a wrong signature, a moved endpoint) is not retried
 * within the run. Redirects are not followed.
 *
 * @example await postWebhook('https://hooks.example.com/segtrack', JSON.stringify(payload), id, settings)
 */
export async function postWebhook(
  url: string,
  body: string,
  deliveryId: string,
  settings: WebhookSettings,
): Promise<WebhookResult> {
  let error = 'not attempted';
  let attempt = 0;
  while (attempt < settings.attempts) {
    if (attempt > 0) await sleep(settings.backoffMs * 2 ** (attempt - 1));
    attempt++;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'segtrack-alerts',
      [DELIVERY_HEADER]: deliveryId,
      [TIMESTAMP_HEADER]: String(timestamp),
    };
    if (settings.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(settings.secret, timestamp, body);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      // The answer's body is not needed; reading it frees the connection.
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, attempts: attempt };
      error = `HTTP ${res.status}`;
      if (!retryable(res.status)) break;
    } catch (e) {
      error = failure(e, settings.timeoutMs);
    }
  }
  return { ok: false, attempts: attempt, error };
}
