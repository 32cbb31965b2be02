import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { CloudEvent } from '../cloud-event';
import type { EventDataByType } from '../event-data';
import { EventType, isEventType } from '../event-types';
import { CloudEventDto } from './cloud-event.dto';
import { CUSTOMER_IDENTIFIER_FIELDS } from './customer-ref.dto';
import { DATA_DTO_BY_TYPE, SURVEY_SCORE_RANGE } from './event-data.dto';
import type { FieldProblem, RejectionCode } from './event-error';
import { isWithinAcceptedTimeRange, parseEventTime } from './event-time';

/** SPEC §1.1: one event at most 64 KiB as JSON. */
export const MAX_EVENT_BYTES = 64 * 1024;

export interface ValidEvent {
  ok: true;
  event: CloudEvent<EventDataByType[EventType]> & { type: EventType };
  /** Event time, epoch milliseconds. */
  timeMs: number;
}

export interface InvalidEvent {
  ok: false;
  code: Exclude<RejectionCode, 'id_conflict'>;
  problems: FieldProblem[];
}

export type EventValidation = ValidEvent | InvalidEvent;

const VALIDATION_OPTIONS = { forbidUnknownValues: false, validationError: { target: false, value: false } } as const;

/**
 * Checks one CloudEvent against SPEC §1.1 and §1.3. Pure: the caller gives the clock
 * reading `nowMs`, so the same input and time always give the same verdict.
 * The order of the checks decides the code: the envelope, then the type, then the data, then the time range.
 */
export function validateCloudEvent(raw: unknown, nowMs: number): EventValidation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return invalid('invalid', [{ path: '', message: 'an event must be a JSON object' }]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (bytes > MAX_EVENT_BYTES) {
    return invalid('invalid', [{ path: '', message: `the event is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_BYTES}` }]);
  }
  const envelopeProblems = problemsOf(validateSync(plainToInstance(CloudEventDto, raw), VALIDATION_OPTIONS));
  const event = raw as CloudEvent;
  const timeMs = typeof event.time === 'string' ? parseEventTime(event.time) : null;
  if (timeMs === null && !envelopeProblems.some((p) => p.path === 'time')) {
    envelopeProblems.push({ path: 'time', message: 'time names no real instant' });
  }
  if (envelopeProblems.length > 0) return invalid('invalid', envelopeProblems);
  if (!isEventType(event.type)) {
    return invalid('unknown_type', [{ path: 'type', message: `unknown event type "${event.type}"` }]);
  }
  const dataProblems = dataProblemsOf(event.type, event.data);
  if (dataProblems.length > 0) return invalid('invalid', dataProblems);
  if (!isWithinAcceptedTimeRange(timeMs!, nowMs)) {
    return invalid('invalid_time', [{ path: 'time', message: 'time must be after 2000-01-01 and at most 5 minutes in the future' }]);
  }
  return { ok: true, event: event as unknown as ValidEvent['event'], timeMs: timeMs! };
}

function dataProblemsOf(type: EventType, data: Record<string, unknown>): FieldProblem[] {
  const dto = plainToInstance(DATA_DTO_BY_TYPE[type], data);
  const problems = problemsOf(validateSync(dto, VALIDATION_OPTIONS), 'data');
  problems.push(...customerRefProblems(data.customer, 'data.customer'));
  if (type === 'cx.customer.referred.v1' && data.referred !== undefined) {
    problems.push(...customerRefProblems(data.referred, 'data.referred'));
  }
  if (type === 'cx.customer.merged.v1') problems.push(...customerRefProblems(data.into, 'data.into'));
  if (type === 'cx.survey.answered.v1') problems.push(...surveyScoreProblems(data));
  return problems;
}

function customerRefProblems(ref: unknown, path: string): FieldProblem[] {
  if (ref === null || typeof ref !== 'object') return [];
  const given = CUSTOMER_IDENTIFIER_FIELDS.some((field) => (ref as Record<string, unknown>)[field] !== undefined);
  return given ? [] : [{ path, message: 'a customer needs at least one of id, email, phone, externalIds' }];
}

function surveyScoreProblems(data: Record<string, unknown>): FieldProblem[] {
  const range = SURVEY_SCORE_RANGE.get(data.survey as string);
  const score = data.score;
  if (!range || typeof score !== 'number' || !Number.isInteger(score)) return [];
  const [min, max] = range;
  if (score >= min && score <= max) return [];
  return [{ path: 'data.score', message: `a ${data.survey} score must be an integer from ${min} to ${max}` }];
}

function problemsOf(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...problemsOf(error.children ?? [], path)];
  });
}

const invalid = (code: InvalidEvent['code'], problems: FieldProblem[]): InvalidEvent => ({ ok: false, code, problems });
