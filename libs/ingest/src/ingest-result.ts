import type { FieldProblem, RejectionCode } from '@cx/events';

/** SPEC §3: the answer for one event of a POST, in the order sent. */
export type IngestResult =
  | { index: number; id: string | null; status: 'accepted' | 'duplicate'; position: number; customerId: string }
  | { index: number; id: string | null; status: 'rejected'; error: RejectionCode; errors: FieldProblem[]; position?: number };

export type IngestStatus = IngestResult['status'];
