import { Static, TLiteral, TObject, TSchema, TUnion, Type } from '@sinclair/typebox';
import { CASE_CATEGORIES, CHANNELS, CUSTOMER_KINDS, DIRECTIONS, EventType, PRIORITIES, SURVEYS } from './event-types';

/**
 * The one description of every `data` of SPEC §1.3: a JSON Schema (TypeBox) per type, from
 * which the TypeScript types below are derived and the validator is compiled. Unknown
 * fields are kept, not rejected, so that channel systems can send more than CX Ledger reads.
 */
const oneOf = <T extends string>(values: readonly T[]): TUnion<Array<TLiteral<T>>> =>
  Type.Union(values.map((value) => Type.Literal(value)));

/** A schema option that says a rule in words, for the error message (an OpenAPI extension, so documents may carry it). */
export const RULE = 'x-rule';

/** Ids and names: strings of 1 to 128 characters. */
const Name = () => Type.String({ minLength: 1, maxLength: 128 });
/** Free text: up to 4,000 characters. */
const Text = () => Type.String({ maxLength: 4000 });
const Channel = () => oneOf(CHANNELS);
const optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** SPEC §1.2: how a channel system names a customer. At least one field is present (checked beside the schema). */
export const CustomerRefSchema = Type.Object({
  id: optional(Name()),
  email: optional(
    Type.String({
      minLength: 3,
      maxLength: 254,
      pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$',
      [RULE]: 'must be an e-mail address of at most 254 characters',
    }),
  ),
  phone: optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[+\\d\\s().-]*\\d[\\d\\s().-]*$',
      [RULE]: 'must be digits, optionally with +, spaces, dots, dashes or brackets, at most 64 characters',
    }),
  ),
  externalIds: optional(Type.Record(Type.String(), Name(), { minProperties: 1 })),
});
export type CustomerRef = Static<typeof CustomerRefSchema>;

const withCustomer = <P extends Record<string, TSchema>>(properties: P) => Type.Object({ customer: CustomerRefSchema, ...properties });

export const InteractionRecordedSchema = withCustomer({
  channel: Channel(),
  direction: oneOf(DIRECTIONS),
  topic: optional(Name()),
  caseId: optional(Name()),
  team: optional(Name()),
  agentId: optional(Name()),
  durationSeconds: optional(Type.Number({ minimum: 0, maximum: 86_400 })),
  sentiment: optional(Type.Number({ minimum: -1, maximum: 1 })),
  summary: optional(Text()),
});

export const PurchaseCompletedSchema = withCustomer({
  orderId: Name(),
  amountMinor: Type.Integer({ minimum: 0, maximum: 1e12 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', [RULE]: 'must be an ISO 4217 code of three capital letters' }),
  channel: Channel(),
  productLine: optional(Name()),
});

/** The widest score range; each survey's own range (SURVEY_SCORE_RANGE) is checked beside the schema. */
export const SurveyAnsweredSchema = withCustomer({
  survey: oneOf(SURVEYS),
  score: Type.Integer({ minimum: 0, maximum: 10 }),
  comment: optional(Text()),
  channel: optional(Channel()),
  team: optional(Name()),
  caseId: optional(Name()),
});

export const SURVEY_SCORE_RANGE: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['nps', [0, 10]],
  ['csat', [1, 5]],
  ['ces', [1, 7]],
]);

export const CaseOpenedSchema = withCustomer({
  caseId: Name(),
  category: oneOf(CASE_CATEGORIES),
  channel: Channel(),
  team: optional(Name()),
  agentId: optional(Name()),
  priority: optional(oneOf(PRIORITIES)),
});

export const CaseHandoffRequestedSchema = withCustomer({ caseId: Name(), fromTeam: Name(), toTeam: Name(), reason: optional(Text()) });
export const CaseHandoffAcceptedSchema = withCustomer({ caseId: Name(), team: Name(), agentId: optional(Name()) });
export const CaseResolvedSchema = withCustomer({ caseId: Name(), team: optional(Name()), resolution: optional(Text()) });
export const CaseReopenedSchema = withCustomer({ caseId: Name(), reason: optional(Text()) });
export const CustomerReferredSchema = withCustomer({ referred: optional(CustomerRefSchema), channel: optional(Channel()) });
export const CustomerChurnedSchema = withCustomer({ reason: optional(Text()) });
export const CustomerProfiledSchema = withCustomer({
  segment: optional(Name()),
  name: optional(Name()),
  company: optional(Name()),
  kind: optional(oneOf(CUSTOMER_KINDS)),
});
export const CustomerMergedSchema = withCustomer({ into: CustomerRefSchema });
export const CustomerForgottenSchema = withCustomer({ reason: optional(Text()) });

/** The `data` schema of each type. */
export const DATA_SCHEMAS = {
  'cx.interaction.recorded.v1': InteractionRecordedSchema,
  'cx.purchase.completed.v1': PurchaseCompletedSchema,
  'cx.survey.answered.v1': SurveyAnsweredSchema,
  'cx.case.opened.v1': CaseOpenedSchema,
  'cx.case.handoff.requested.v1': CaseHandoffRequestedSchema,
  'cx.case.handoff.accepted.v1': CaseHandoffAcceptedSchema,
  'cx.case.resolved.v1': CaseResolvedSchema,
  'cx.case.reopened.v1': CaseReopenedSchema,
  'cx.customer.referred.v1': CustomerReferredSchema,
  'cx.customer.churned.v1': CustomerChurnedSchema,
  'cx.customer.profiled.v1': CustomerProfiledSchema,
  'cx.customer.merged.v1': CustomerMergedSchema,
  'cx.customer.forgotten.v1': CustomerForgottenSchema,
} as const satisfies Record<EventType, TObject>;

/** The `data` of each type, keyed by type name. */
export type EventDataByType = { [T in EventType]: Static<(typeof DATA_SCHEMAS)[T]> };

/** Personal fields (SPEC §1.3): encrypted at rest, redacted after erasure. */
export const PERSONAL_FIELDS = ['email', 'phone', 'name', 'summary', 'comment'] as const;
