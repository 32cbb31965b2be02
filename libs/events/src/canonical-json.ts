/** Escaped object keys with their colon: events repeat a few dozen keys, so each is escaped once (bounded, against hostile keys). */
const escapedKeys = new Map<string, string>();
const MAX_ESCAPED_KEYS = 4096;

/**
 * Canonical JSON: object keys sorted, no white space. Two events with the same content
 * give the same text whatever key order the sender used, so it can be hashed (SPEC §1.1
 * idempotency, §4.2 tamper evidence). Keys whose value is undefined are left out, as
 * JSON.stringify leaves them out; in arrays, undefined is null.
 */
export function canonicalJson(value: unknown): string {
  // What JSON cannot hold (undefined, a function, a symbol) is null, as JSON.stringify makes it in arrays.
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  let text = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    text += (text.length === 1 ? '' : ',') + escapedKey(key) + canonicalJson(item);
  }
  return `${text}}`;
}

/** The canonical text of a CloudEvent, and apart the two parts the hash chain covers: its attributes (every member but `data`) and its data. */
export interface CanonicalEvent {
  text: string;
  attributes: string;
  /** Undefined when the event has no data. */
  data: string | undefined;
}

/** `canonicalJson` of the event, of the event without `data`, and of `data`, from one walk. */
export function canonicalEvent(event: Record<string, unknown>): CanonicalEvent {
  let text = '{';
  let attributes = '{';
  let data: string | undefined;
  for (const key of sortedKeys(event)) {
    const item = event[key];
    if (item === undefined) continue;
    const value = canonicalJson(item);
    const member = escapedKey(key) + value;
    text += (text.length === 1 ? '' : ',') + member;
    if (key === 'data') data = value;
    else attributes += (attributes.length === 1 ? '' : ',') + member;
  }
  return { text: `${text}}`, attributes: `${attributes}}`, data };
}

/** Keys whose count is above this are sorted by Array.prototype.sort: insertion sort is quadratic. */
const INSERTION_SORT_MAX = 16;

/**
 * The record's keys in code-unit order, as `sort()` orders strings. An event's objects have
 * a handful of keys, which insertion sort orders in place; `sort()` allocated a work array
 * per object, a fifth of what the ingest path allocated.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

function escapedKey(key: string): string {
  let escaped = escapedKeys.get(key);
  if (escaped !== undefined) return escaped;
  escaped = `${JSON.stringify(key)}:`;
  if (escapedKeys.size < MAX_ESCAPED_KEYS) escapedKeys.set(key, escaped);
  return escaped;
}
