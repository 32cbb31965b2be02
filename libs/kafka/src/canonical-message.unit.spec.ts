import type { StoredEvent } from '@cx/event-store';
import { canonicalMessage, ledgerEventOf, readCanonicalMessage } from './canonical-message';

describe('canonicalMessage (cx.events, binary mode)', () => {
  const stored = {
    position: 42,
    streamId: 'c-7',
    revision: 3,
    customerId: 'c-7',
    id: 'e-9',
    source: '/channels/web',
    type: 'cx.purchase.completed.v1',
    time: Date.parse('2026-03-01T09:30:00Z'),
    recordedAt: Date.parse('2026-03-01T09:31:00Z'),
    attributes: {
      specversion: '1.0',
      id: 'e-9',
      source: '/channels/web',
      type: 'cx.purchase.completed.v1',
      time: '2026-03-01T10:30:00+01:00',
      datacontenttype: 'application/json',
      priority: 3,
    },
    data: { customer: { email: 'a@example.com' }, orderId: 'o-1', amountMinor: 100, currency: 'EUR', channel: 'web' },
    contentHash: 'h',
    previousHash: null,
    hash: 'h2',
  } as unknown as StoredEvent;

  it('keys by customer, carries the attributes as sent in ce_ headers, data as the value, and the ledger extensions', () => {
    const message = canonicalMessage(stored);
    expect(message.key).toBe('c-7');
    expect(JSON.parse(String(message.value))).toEqual(stored.data);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'e-9',
      ce_source: '/channels/web',
      ce_type: 'cx.purchase.completed.v1',
      ce_time: '2026-03-01T10:30:00+01:00',
      ce_priority: '3',
      'content-type': 'application/json',
      ce_cxposition: '42',
      ce_cxcustomerid: 'c-7',
      ce_cxrecordedat: '2026-03-01T09:31:00.000Z',
      ce_cxrevision: '3',
    });
  });

  it('reads back as a consumer would', () => {
    const message = canonicalMessage(stored);
    const read = readCanonicalMessage({ value: Buffer.from(String(message.value)), headers: message.headers });
    expect(read).toMatchObject({ position: 42, customerId: 'c-7', recordedAt: '2026-03-01T09:31:00.000Z', data: stored.data });
    expect(read.attributes).toMatchObject({ id: 'e-9', source: '/channels/web', time: '2026-03-01T10:30:00+01:00' });
  });

  it('gives back the event a projection folds, field for field', () => {
    const message = canonicalMessage(stored);
    const event = ledgerEventOf(readCanonicalMessage({ value: Buffer.from(String(message.value)), headers: message.headers }));
    const { attributes, contentHash, previousHash, hash, ...folded } = stored;
    expect(event).toEqual(folded);
  });

  it('refuses a message that lacks the ledger extensions', () => {
    const { ce_cxposition: _position, ...headers } = canonicalMessage(stored).headers as Record<string, string>;
    expect(() => ledgerEventOf(readCanonicalMessage({ value: Buffer.from('{}'), headers }))).toThrow(/position/);
  });
});
