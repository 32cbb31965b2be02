import { PERSONAL_FIELDS } from '@cx/events';

const personal = new Set<string>(PERSONAL_FIELDS);

/**
 * A copy of `data` with every personal field (SPEC §1.3: email, phone, name, summary,
 * comment — at any depth, so `customer.email` and `referred.phone` too) passed through
 * `transform`. Everything else is kept as it is.
 */
export function mapPersonalFields(data: unknown, transform: (value: string) => string): unknown {
  if (Array.isArray(data)) return data.map((item) => mapPersonalFields(item, transform));
  if (data === null || typeof data !== 'object') return data;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    copy[key] = personal.has(key) && typeof value === 'string' ? transform(value) : mapPersonalFields(value, transform);
  }
  return copy;
}

/** Whether any personal field is present, so events without one skip the key look-up. */
export function hasPersonalFields(data: unknown): boolean {
  if (Array.isArray(data)) return data.some(hasPersonalFields);
  if (data === null || typeof data !== 'object') return false;
  return Object.entries(data).some(([key, value]) => (personal.has(key) && typeof value === 'string') || hasPersonalFields(value));
}
