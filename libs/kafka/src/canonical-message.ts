import type { IHeaders, Message } from 'kafkajs';
import { STORE_EXTENSIONS, type StoredEvent } from '@cx/event-store';
import type { EventType, LedgerEvent } from '@cx/events';
import { textHeaders } from './headers';

/**
 * A stored event as a message of `cx.events`: CloudEvents binary mode, the attributes as
 * sent in `ce_*` headers (non-text extension values as JSON), `data` as the JSON value,
 * the store's extension attributes (revision included),
 * and the key the customer id, so one customer's events share a partition and keep their order.
 */
export function canonicalMessage(event: StoredEvent): Message {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.attributes)) {
    if (name === 'datacontenttype' || value === undefined) continue;
    headers[`ce_${name}`] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  headers['content-type'] = 'application/json';
  headers[`ce_${STORE_EXTENSIONS.position}`] = String(event.position);
  headers[`ce_${STORE_EXTENSIONS.customerId}`] = event.customerId;
  headers[`ce_${STORE_EXTENSIONS.recordedAt}`] = new Date(event.recordedAt).toISOString();
  headers[`ce_${STORE_EXTENSIONS.revision}`] = String(event.revision);
  return { key: event.customerId, value: JSON.stringify(event.data), headers, timestamp: String(event.recordedAt) };
}

/** What a consumer of `cx.events` reads back: dedupe by `position` (or by `source` and `id`). */
export interface CanonicalEvent {
  position: number;
  customerId: string;
  recordedAt: string;
  /** Every CloudEvent attribute, extensions included, as text. */
  attributes: Record<string, string>;
  data: unknown;
}

export function readCanonicalMessage(message: { value: Buffer | null; headers?: IHeaders }): CanonicalEvent {
  const attributes: Record<string, string> = {};
  for (const [name, text] of textHeaders(message.headers)) if (name.startsWith('ce_')) attributes[name.slice(3)] = text;
  return {
    position: Number(attributes[STORE_EXTENSIONS.position]),
    customerId: attributes[STORE_EXTENSIONS.customerId],
    recordedAt: attributes[STORE_EXTENSIONS.recordedAt],
    attributes,
    data: message.value === null ? null : JSON.parse(message.value.toString('utf8')),
  };
}

/**
 * The event a projection folds, from a message of `cx.events`. Personal fields arrive
 * opened, but no view keeps them, so the rows are those the sealed store gives.
 */
export function ledgerEventOf(message: CanonicalEvent): LedgerEvent {
  const { attributes } = message;
  const event = {
    position: message.position,
    streamId: message.customerId,
    revision: Number(attributes[STORE_EXTENSIONS.revision]),
    customerId: message.customerId,
    id: attributes.id,
    source: attributes.source,
    type: attributes.type as EventType,
    time: Date.parse(attributes.time),
    recordedAt: Date.parse(message.recordedAt),
    data: message.data,
  } as LedgerEvent;
  const broken = Object.entries(event).filter(([, value]) => value === undefined || (typeof value === 'number' && !Number.isFinite(value)));
  if (broken.length > 0) throw new Error(`not a cx.events message: ${broken.map(([name]) => name).join(', ')} missing or invalid`);
  return event;
}
