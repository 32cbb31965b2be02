import type { IHeaders } from 'kafkajs';

/**
 * Header names lower-cased, values as UTF-8 text; the first value where a header repeats.
 * Kafka header names are case-sensitive, but CloudEvents attribute names are lower case,
 * so `CE_ID` from a careless producer still means `id`.
 */
export function textHeaders(headers: IHeaders | undefined): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (!texts.has(key)) texts.set(key, Buffer.isBuffer(value) ? value.toString('utf8') : value);
  }
  return texts;
}
