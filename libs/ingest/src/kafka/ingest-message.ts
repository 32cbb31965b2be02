import type { IHeaders } from 'kafkajs';
import { binaryModeEvent, BoundEvent, prefixedAttributes } from '@cx/events';
import { textHeaders } from '@cx/kafka';

/** What the Kafka protocol binding of CloudEvents makes of one message, before any validation of the event. */
export type IngestMessage = BoundEvent;

/** The codes a message can be dead-lettered with before it reaches the ingest command. */
export type UnreadableReason = Extract<IngestMessage, { ok: false }>['error'];

const CE_PREFIX = 'ce_';
const STRUCTURED_CONTENT_TYPE = /^application\/cloudevents\+json\s*(;.*)?$/i;

/**
 * Turns a message of `cx.ingest` into a CloudEvent candidate. Binary mode when a
 * `ce_specversion` header is there (attributes from `ce_*` headers, `content-type` as
 * `datacontenttype`, the value as `data`); otherwise structured mode (the value is the
 * whole event). Only the transport is read here: the event itself is checked by the
 * ingest command, exactly as over HTTP.
 */
export function readIngestMessage(message: { value: Buffer | null; headers?: IHeaders }): IngestMessage {
  const headers = textHeaders(message.headers);
  if (headers.has(`${CE_PREFIX}specversion`)) return binaryMode(headers, message.value);
  const contentType = headers.get('content-type');
  if (contentType !== undefined && !STRUCTURED_CONTENT_TYPE.test(contentType)) {
    return {
      ok: false,
      error: 'unsupported_content_type',
      problems: [
        {
          path: '',
          message: `content-type "${contentType}" is not a CloudEvent: send application/cloudevents+json (structured mode) or ce_* headers (binary mode)`,
        },
      ],
    };
  }
  return structuredMode(message.value);
}

function structuredMode(value: Buffer | null): IngestMessage {
  const parsed = parseJson(value, '');
  return parsed.ok ? { ok: true, mode: 'structured', event: parsed.value } : parsed;
}

function binaryMode(headers: Map<string, string>, value: Buffer | null): IngestMessage {
  const attributes = prefixedAttributes(headers, CE_PREFIX);
  const contentType = headers.get('content-type');
  // No value: no `data`, which the validator then names as the problem.
  if (value === null) return { ok: true, mode: 'binary', event: binaryModeEvent(attributes, contentType, undefined) };
  const parsed = parseJson(value, 'data');
  return parsed.ok ? { ok: true, mode: 'binary', event: binaryModeEvent(attributes, contentType, parsed.value) } : parsed;
}

function parseJson(value: Buffer | null, path: string): { ok: true; value: unknown } | Extract<IngestMessage, { ok: false }> {
  try {
    if (value === null) throw new Error('the message has no value');
    return { ok: true, value: JSON.parse(value.toString('utf8')) };
  } catch (error) {
    return { ok: false, error: 'malformed_json', problems: [{ path, message: `not valid JSON: ${(error as Error).message}` }] };
  }
}
