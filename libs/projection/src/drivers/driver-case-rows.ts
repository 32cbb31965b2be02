import { replayCase, UNOWNED_LIMIT_MS, wholeCase, type CaseState, type ReplayedCase } from '@cx/views';
import type {
  DriverCaseHandoffsTable,
  DriverCaseResolutionsTable,
  DriverCasesTable,
  DriverCaseUnownedTable,
  WholeColumn,
} from './drivers.tables';

/** A case's rows in the drivers tables, from its fold over all its events. */
export interface DriverCaseRows {
  case: DriverCasesTable;
  handoffs: DriverCaseHandoffsTable[];
  unowned: DriverCaseUnownedTable[];
  resolutions: DriverCaseResolutionsTable[];
}

const bit = (value: boolean) => (value ? 1 : 0);

/** The whole case's columns (`wholeCase`), all null while a request is pending or a stretch without owner runs. */
function wholeColumns(state: CaseState, replayed: ReplayedCase, slaMs: number): Pick<DriverCasesTable, WholeColumn> {
  const whole = wholeCase(state, slaMs, replayed);
  if (!whole) return NOT_WHOLE;
  const { experience } = whole;
  return {
    whole_from: whole.from,
    whole_to: whole.to,
    whole_handoff: bit(experience.handoff),
    whole_ping_pong: bit(experience.pingPong),
    whole_stalled: bit(experience.stalled),
    whole_unowned: bit(experience.unownedMs > UNOWNED_LIMIT_MS),
    whole_resolved: bit(experience.resolved !== null),
    whole_first_contact: bit(experience.resolved?.firstContact ?? false),
    whole_slow: bit(experience.resolved?.slow ?? false),
  };
}

const NOT_WHOLE: Pick<DriverCasesTable, WholeColumn> = {
  whole_from: null,
  whole_to: null,
  whole_handoff: null,
  whole_ping_pong: null,
  whole_stalled: null,
  whole_unowned: null,
  whole_resolved: null,
  whole_first_contact: null,
  whole_slow: null,
};

/**
 * The case's rows; `canonical` maps the customer ids its events carry to the customers they
 * stand for now; `slaMs` is the handoff acceptance SLA (a stalled request).
 */
export function driverCaseRows(state: CaseState, canonical: (id: string) => string, slaMs: number): DriverCaseRows | null {
  const replayed = replayCase(state);
  if (!replayed) return null;
  const { caseId } = replayed;
  return {
    case: {
      case_id: caseId,
      customer_id: canonical(replayed.customerId),
      first_customer_id: canonical(replayed.firstCustomerId),
      started_at: replayed.startedAt,
      opened_at: replayed.opening?.time ?? null,
      complaint: bit(replayed.opening?.category === 'complaint'),
      ended_at: replayed.status === 'resolved' ? (replayed.resolution?.at ?? null) : null,
      ...wholeColumns(state, replayed, slaMs),
    },
    handoffs: replayed.handoffs.map((h) => ({
      case_id: caseId,
      position: h.position,
      requested_at: h.requestedAt,
      accepted_at: h.acceptedAt,
      closed_at: h.closedAt,
      ping_pong: bit(h.flags.includes('pingPong')),
    })),
    unowned: replayed.spans
      .filter((s) => s.team === null)
      .map((s) => ({ case_id: caseId, seq: s.seq, started_at: s.start, ended_at: s.end })),
    resolutions: replayed.resolutions.map((r) => ({
      case_id: caseId,
      position: r.position,
      resolved_at: r.at,
      reopened_at: r.reopenedAt,
      first_contact: bit(r.firstContact),
      opened_at: r.openedAt,
    })),
  };
}
