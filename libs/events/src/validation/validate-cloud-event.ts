import type { TObject } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CanonicalEvent, canonicalEvent } from '../canonical-json';
import type { CloudEvent } from '../cloud-event';
import { DATA_SCHEMAS, EventDataByType, SURVEY_SCORE_RANGE } from '../event-data';
import { EventType, isEventType } from '../event-types';
import { EnvelopeSchema } from './envelope-schema';
import type { FieldProblem, RejectionCode } from './event-error';
import { shapeProblem } from './event-shape';
import { isWithinAcceptedTimeRange, parseRfc3339 } from './event-time';
import { schemaProblems } from './schema-problems';

/** SPEC §1.1: one event at most 64 KiB as JSON. */
export const MAX_EVENT_BYTES = 64 * 1024;

export interface ValidEvent {
  ok: true;
  event: CloudEvent<EventDataByType[EventType]> & { type: EventType };
  /** Event time, epoch milliseconds. */
  timeMs: number;
  /** The event's canonical JSON, measured for the size limit and kept for its content hash, with its parts for the hash chain. */
  canonical: CanonicalEvent;
}

export interface InvalidEvent {
  ok: false;
  code: Exclude<RejectionCode, 'id_conflict'>;
  problems: FieldProblem[];
}

export type EventValidation = ValidEvent | InvalidEvent;

/** Compiled once: checking a valid event is a handful of generated comparisons, with no allocation. */
const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema);
const dataChecks = new Map(Object.entries(DATA_SCHEMAS).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TObject)]));
const JSON_MEDIA_TYPE = /^application\/json\s*(;.*)?$/i;
const CUSTOMER_IDENTIFIERS = ['id', 'email', 'phone', 'externalIds'] as const;

/**
 * Checks one CloudEvent against SPEC §1.1 and §1.3. Pure: the caller gives the clock
 * reading `nowMs`, so the same input and time always give the same verdict.
 * The order of the checks decides the code: the shape (depth, keys, text) and size, the
 * envelope, then the type, then the data, then the time range.
 */
export function validateCloudEvent(raw: unknown, nowMs: number): EventValidation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return invalid('invalid', [{ path: '', message: 'an event must be a JSON object' }]);
  }
  const shape = shapeProblem(raw);
  if (shape) return invalid('invalid', [shape]);
  const canonical = canonicalEvent(raw as Record<string, unknown>);
  // A UTF-16 code unit is at most 3 bytes of UTF-8: only a long text needs counting.
  const bytes = canonical.text.length * 3 > MAX_EVENT_BYTES ? Buffer.byteLength(canonical.text, 'utf8') : 0;
  if (bytes > MAX_EVENT_BYTES) {
    return invalid('invalid', [{ path: '', message: `the event is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_BYTES}` }]);
  }
  const event = raw as CloudEvent;
  const envelope = envelopeProblems(event);
  if (envelope.problems.length > 0) return invalid('invalid', envelope.problems);
  if (!isEventType(event.type)) {
    return invalid('unknown_type', [{ path: 'type', message: `unknown event type "${event.type}"` }]);
  }
  const dataProblems = dataProblemsOf(event.type, event.data);
  if (dataProblems.length > 0) return invalid('invalid', dataProblems);
  if (!isWithinAcceptedTimeRange(envelope.timeMs, nowMs)) {
    return invalid('invalid_time', [{ path: 'time', message: 'time must be after 2000-01-01 and at most 5 minutes in the future' }]);
  }
  return { ok: true, event: event as unknown as ValidEvent['event'], timeMs: envelope.timeMs, canonical };
}

function envelopeProblems(event: CloudEvent): { problems: FieldProblem[]; timeMs: number } {
  const problems = envelopeCheck.Check(event) ? [] : schemaProblems(envelopeCheck, event, '');
  const timeMs = typeof event.time === 'string' ? parseRfc3339(event.time) : null;
  if (timeMs === null && !problems.some((p) => p.path === 'time')) problems.push({ path: 'time', message: 'time names no real instant' });
  const mediaType = event.datacontenttype;
  if (mediaType !== undefined && !(typeof mediaType === 'string' && JSON_MEDIA_TYPE.test(mediaType))) {
    problems.push({
      path: 'datacontenttype',
      message: 'datacontenttype must be application/json, optionally with parameters such as charset=utf-8',
    });
  }
  return { problems, timeMs: timeMs ?? NaN };
}

function dataProblemsOf(type: EventType, data: Record<string, unknown>): FieldProblem[] {
  const check = dataChecks.get(type);
  if (!check) throw new Error(`no data schema for ${type}`);
  const problems = check.Check(data) ? [] : schemaProblems(check, data, 'data');
  problems.push(...customerRefProblems(data.customer, 'data.customer'));
  if (type === 'cx.customer.referred.v1' && data.referred !== undefined)
    problems.push(...customerRefProblems(data.referred, 'data.referred'));
  if (type === 'cx.customer.merged.v1') problems.push(...customerRefProblems(data.into, 'data.into'));
  if (type === 'cx.survey.answered.v1') problems.push(...surveyScoreProblems(data));
  return problems;
}

/** SPEC §1.2 beside the schema: at least one identifier, and external system names of 1 to 128 characters. */
function customerRefProblems(ref: unknown, path: string): FieldProblem[] {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) return [];
  const fields = ref as Record<string, unknown>;
  if (!CUSTOMER_IDENTIFIERS.some((field) => fields[field] !== undefined)) {
    return [{ path, message: 'a customer needs at least one of id, email, phone, externalIds' }];
  }
  const systems = fields.externalIds !== null && typeof fields.externalIds === 'object' ? Object.keys(fields.externalIds) : [];
  if (systems.some((system) => system.length < 1 || system.length > 128)) {
    return [{ path: `${path}.externalIds`, message: 'externalIds must map system names of 1 to 128 characters to ids' }];
  }
  return [];
}

function surveyScoreProblems(data: Record<string, unknown>): FieldProblem[] {
  const range = SURVEY_SCORE_RANGE.get(data.survey as string);
  const score = data.score;
  if (!range || typeof score !== 'number' || !Number.isInteger(score)) return [];
  const [min, max] = range;
  if (score >= min && score <= max) return [];
  return [{ path: 'data.score', message: `a ${String(data.survey)} score must be an integer from ${min} to ${max}` }];
}

const invalid = (code: InvalidEvent['code'], problems: FieldProblem[]): InvalidEvent => ({ ok: false, code, problems });
