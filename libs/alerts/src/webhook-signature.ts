import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-CX-Signature';

/** SPEC §2.4: `sha256=` and the hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret. */
export const webhookSignature = (body: string | Buffer, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** For receivers (and tests): compares in constant time. */
export function verifyWebhookSignature(body: string | Buffer, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(webhookSignature(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
