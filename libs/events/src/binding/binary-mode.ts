import type { FieldProblem } from '../validation/event-error';

/** What a protocol binding makes of a message before the event itself is validated. */
export type BoundEvent =
  | { ok: true; mode: 'structured' | 'binary'; event: unknown }
  | { ok: false; error: 'malformed_json' | 'unsupported_content_type'; problems: FieldProblem[] };

/**
 * CloudEvents binary content mode, the same for every binding (HTTP `ce-` headers, Kafka
 * `ce_` headers): each prefixed header is the attribute it names, the content type is
 * `datacontenttype`, and the body is `data`. Only the shape is built here; whether the
 * event is valid is the validator's to say, exactly as for structured mode.
 *
 * The official SDK's deserializers are not used for this: they fill in a missing `id`
 * (a new UUID), `time` (now) and `specversion`, and an event without them must be rejected.
 */
export function binaryModeEvent(
  attributes: ReadonlyMap<string, string>,
  contentType: string | undefined,
  data: unknown,
): Record<string, unknown> {
  const event = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of attributes) event[name] = value;
  if (contentType !== undefined) event.datacontenttype = contentType;
  if (data !== undefined) event.data = data;
  return { ...event };
}

/** The attributes of the headers that carry one, by prefix (`ce-` over HTTP, `ce_` over Kafka); names lower-cased. */
export function prefixedAttributes(headers: Iterable<[string, string]>, prefix: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (key.startsWith(prefix) && key.length > prefix.length && !attributes.has(key.slice(prefix.length)))
      attributes.set(key.slice(prefix.length), value);
  }
  return attributes;
}
