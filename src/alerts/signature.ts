/**
 * Signing webhook requests, so a receiver can check that a request comes from segtrack and was not
 * replayed: HMAC-SHA-256 (RFC 2104, FIPS 198-1) keyed by `SEGTRACK_WEBHOOK_SECRET` over
 * `<timestamp>.<raw body>`, where the timestamp (Unix seconds) is sent in its own header and a
 * receiver rejects requests whose timestamp is too old. The same scheme as Stripe's and Slack's
 * signed requests, so existing verification code carries over.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<64 hex digits>`: HMAC-SHA-256 of `<timestamp>.<body>`. */
export const SIGNATURE_HEADER = 'X-Segtrack-Signature';
/** Unix time in whole seconds when the request was sent (part of the signed content). */
export const TIMESTAMP_HEADER = 'X-Segtrack-Timestamp';
/** The delivery's id, the same on every retry: receivers can drop duplicates by it. */
export const DELIVERY_HEADER = 'X-Segtrack-Delivery';

/** How old a request may be for {@link verifySignature}, by default (5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The signature header's value for a body sent at `timestamp` (Unix seconds).
 *
 * @example signBody('s3cret', 1714550400, '{"a":1}') // 'sha256=' + HMAC-SHA-256('s3cret', '1714550400.{"a":1}') in hex
 */
export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does with a request: recompute the signature over the timestamp header and the
 * raw body (before any JSON parsing), compare in constant time, and refuse a timestamp more than
 * `toleranceSeconds` away from its clock (a replay).
 *
 * @example verifySignature(secret, { timestamp: req.headers['x-segtrack-timestamp'], signature: req.headers['x-segtrack-signature'], body: raw })
 */
export function verifySignature(
  secret: string,
  request: { timestamp: string | undefined; signature: string | undefined; body: string },
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  const { timestamp, signature, body } = request;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return false;
  const expected = Buffer.from(signBody(secret, Number(timestamp), body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
