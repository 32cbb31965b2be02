/** Why an event was rejected (SPEC §1.1). */
export type RejectionCode = 'invalid' | 'unknown_type' | 'invalid_time' | 'id_conflict';

/** One problem with an event: where it is (a dotted path into the CloudEvent) and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}
