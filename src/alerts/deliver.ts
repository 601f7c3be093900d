/**
 * Sending the queued notifications (./deliveries.ts): appending to JSON-lines files and POSTing to
 * webhooks, recording each outcome. Delivery is at least once: a notification is marked delivered
 * only after it was sent, so a crash in between sends it again at the next run; receivers can drop
 * duplicates by `delivery_id`.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { pendingCount, pendingDeliveries, recordAttempt } from './deliveries.js';
import { redactUrl } from './notify-target.js';
import { postWebhook, type WebhookResult, type WebhookSettings } from './webhook.js';

/** What a pass over the queue did. */
export interface DeliveryReport {
  /** Deliveries tried in this pass. */
  attempted: number;
  delivered: number;
  /** Still pending after the pass (including those not tried because their target was failing). */
  pending: number;
  /** Webhook deliveries tried in this pass. */
  webhooks: number;
  /** One line per target that failed in this pass (webhooks by their origin only). */
  failures: string[];
}

/** Appends one line to a file, creating its folder. */
async function appendLine(path: string, line: string): Promise<WebhookResult> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, `${line}\n`, 'utf8');
    return { ok: true, attempts: 1 };
  } catch (e) {
    return { ok: false, attempts: 1, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Tries every pending delivery, oldest first. Once a target fails in a pass, its later deliveries
 * wait for the next pass (a receiver that is down costs one round of retries per run, not one per
 * alert). Failures are returned, not thrown: the alerts are stored and stay pending.
 *
 * @example const report = await deliverPending(engine, webhookSettingsFromEnv(process.env).settings);
 */
export async function deliverPending(
  engine: Engine,
  settings: WebhookSettings,
  now: () => Date = () => new Date(),
): Promise<DeliveryReport> {
  const report: DeliveryReport = { attempted: 0, delivered: 0, pending: 0, webhooks: 0, failures: [] };
  const failing = new Set<string>();
  const queue = await pendingDeliveries(engine);
  if (queue.length === 0) return report;
  for (const d of queue) {
    const key = `${d.kind}:${d.target}`;
    if (failing.has(key)) continue;
    report.attempted++;
    if (d.kind === 'webhook') report.webhooks++;
    const result =
      d.kind === 'jsonl'
        ? await appendLine(d.target, d.payload)
        : await postWebhook(d.target, d.payload, d.delivery_id, settings);
    await recordAttempt(engine, d.delivery_id, result, now());
    if (result.ok) report.delivered++;
    else {
      failing.add(key);
      const where = d.kind === 'jsonl' ? d.target : redactUrl(d.target);
      report.failures.push(
        `${d.kind === 'jsonl' ? 'file' : 'webhook'} ${where}: ${result.error ?? 'failed'} ` +
          `(${result.attempts} attempt${result.attempts === 1 ? '' : 's'})`,
      );
    }
  }
  report.pending = await pendingCount(engine);
  return report;
}
