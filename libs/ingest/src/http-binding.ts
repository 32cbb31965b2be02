import { binaryModeEvent, MAX_EVENT_BYTES, prefixedAttributes } from '@cx/events';
import { ApiError } from '@cx/http';

/** SPEC §1.1: a batch is at most 1,000 events. */
export const MAX_BATCH_EVENTS = 1000;

const CE_PREFIX = 'ce-';
const CLOUDEVENTS_MEDIA_TYPE = /^application\/cloudevents(-batch)?\+json\s*(;|$)/i;

/** Each header with every value it was given (Node's `headersDistinct`): a repeated header stays visible. */
export type DistinctHeaders = Record<string, string[] | undefined>;

/**
 * The CloudEvents HTTP protocol binding (SPEC §1.1): the events a request carries, in order.
 * Structured mode (`application/cloudevents+json`, or `application/json` with no `ce-`
 * headers) and batches (`application/cloudevents-batch+json`, or a JSON array) carry
 * events in the body; binary mode (`ce-specversion` and the other attributes as `ce-`
 * headers, `content-type` the data's) carries one event whose body is its `data`, built
 * exactly as the Kafka binding builds one from `ce_` headers.
 */
export function eventsOfRequest(headers: DistinctHeaders, body: unknown): unknown[] {
  const contentType = headers['content-type']?.[0];
  if (headers['ce-specversion'] !== undefined && !CLOUDEVENTS_MEDIA_TYPE.test(contentType ?? '')) {
    return [single(binaryModeEvent(ceAttributes(headers), contentType, body))];
  }
  if (!Array.isArray(body)) return [single(body)];
  if (body.length === 0) throw new ApiError(400, 'empty_batch', 'a batch needs at least one event');
  if (body.length > MAX_BATCH_EVENTS) {
    throw new ApiError(400, 'batch_too_large', `a batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${body.length}`);
  }
  return body;
}

function single(event: unknown): unknown {
  if (event === null || typeof event !== 'object') {
    throw new ApiError(400, 'invalid_body', 'the body must be a CloudEvent (a JSON object) or an array of them');
  }
  const bytes = jsonBytes(event);
  if (bytes !== null && bytes > MAX_EVENT_BYTES) {
    throw new ApiError(413, 'event_too_large', `the event is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_BYTES}`);
  }
  return event;
}

/** Its size as JSON; null for a value nested too deep to serialise, which the validator rejects on its own. */
function jsonBytes(value: unknown): number | null {
  try {
    return Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch {
    return null;
  }
}

/**
 * The `ce-` headers as attributes, each given once (two ids are no id). Values are percent-decoded (HTTP binding §3.1.3.2);
 * a value that does not decode is kept as sent, for the validator to judge.
 */
function ceAttributes(headers: DistinctHeaders): Map<string, string> {
  const entries: Array<[string, string]> = [];
  for (const [name, values] of Object.entries(headers)) {
    if (!name.startsWith(CE_PREFIX) || values === undefined) continue;
    if (values.length > 1) throw repeated(name);
    entries.push([name, percentDecoded(values[0])]);
  }
  return prefixedAttributes(entries, CE_PREFIX);
}

const repeated = (name: string) =>
  new ApiError(400, 'invalid_body', `the header ${name} is given more than once; a binary-mode event gives each attribute once`);

function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
