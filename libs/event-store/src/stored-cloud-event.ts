import type { StoredEvent } from './event-store.port';

/**
 * The CloudEvents extension attributes the store adds to an event it hands out (timeline,
 * `cx replay`, `cx.events`): where it put the event, whose it is and when it was appended.
 */
export const STORE_EXTENSIONS = {
  position: 'cxposition',
  customerId: 'cxcustomerid',
  recordedAt: 'cxrecordedat',
  revision: 'cxrevision',
} as const;

/** A stored event as a structured CloudEvent: the attributes as sent, `data`, and the store's extensions. */
export function storedCloudEvent(event: StoredEvent): Record<string, unknown> {
  return {
    ...event.attributes,
    data: event.data,
    [STORE_EXTENSIONS.position]: event.position,
    [STORE_EXTENSIONS.customerId]: event.customerId,
    [STORE_EXTENSIONS.recordedAt]: new Date(event.recordedAt).toISOString(),
  };
}
