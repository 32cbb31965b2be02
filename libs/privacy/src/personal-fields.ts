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
  const record = data as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = record[key];
    copy[key] = personal.has(key) && typeof value === 'string' ? transform(value) : mapPersonalFields(value, transform);
  }
  return copy;
}

/** Whether any personal field is present, so events without one skip the key look-up. */
export function hasPersonalFields(data: unknown): boolean {
  if (Array.isArray(data)) return data.some(hasPersonalFields);
  if (data === null || typeof data !== 'object') return false;
  const record = data as Record<string, unknown>;
  return Object.keys(record).some((key) => (personal.has(key) && typeof record[key] === 'string') || hasPersonalFields(record[key]));
}
