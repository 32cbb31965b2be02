import type { CloudEvent, CustomerRef } from '@cx/events';

/**
 * A stable partition key for an event before CX Ledger has resolved its customer: the
 * id, else the first identifier in resolution order (SPEC §1.2), so one person's events
 * from one system stay in order on one partition.
 */
export function customerHint(event: CloudEvent): string {
  const ref = (event.data as { customer?: CustomerRef }).customer ?? {};
  if (ref.id) return `id:${ref.id}`;
  if (ref.email) return `email:${ref.email.trim().toLowerCase()}`;
  if (ref.phone) return `phone:${ref.phone}`;
  const [system, value] = Object.entries(ref.externalIds ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))[0] ?? ['', ''];
  return `ext:${system}:${value}`;
}
