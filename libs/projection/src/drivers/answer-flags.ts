import {
  answerPeriod,
  caseAttributes,
  channelAttributes,
  customerCaseExperiences,
  type CaseState,
  type ContactFact,
  type DriverAttribute,
} from '@cx/views';
import { ANSWER_FLAG_COLUMNS, type AnswerFlagColumn } from './drivers.tables';

export type AnswerFlags = Record<AnswerFlagColumn, number>;

/**
 * The stored attributes of an answer at `time` (SPEC §2.5), by the pure rules of @cx/views:
 * the case attributes of the customer's cases and the channels of its contacts over
 * (time − 90 days, time]. `cases` and `contacts` may hold more than the customer's: the
 * rules pick the customer's own.
 */
export function answerFlags(
  customerId: string,
  time: number,
  cases: readonly CaseState[],
  contacts: readonly ContactFact[],
  slaMs: number,
): AnswerFlags {
  const period = answerPeriod(time);
  const found = new Set<DriverAttribute>([
    ...caseAttributes(customerCaseExperiences(customerId, cases, period, slaMs)),
    ...channelAttributes(customerId, contacts, period),
  ]);
  const flags = {} as AnswerFlags;
  for (const [attribute, column] of Object.entries(ANSWER_FLAG_COLUMNS)) flags[column] = found.has(attribute as DriverAttribute) ? 1 : 0;
  return flags;
}

/** Every flag 0: an answer before its attributes are worked out. */
export const noFlags = (): AnswerFlags =>
  Object.fromEntries(Object.values(ANSWER_FLAG_COLUMNS).map((column) => [column, 0])) as AnswerFlags;

export const sameFlags = (a: AnswerFlags, b: Partial<AnswerFlags>): boolean =>
  Object.values(ANSWER_FLAG_COLUMNS).every((column) => Number(b[column]) === a[column]);
