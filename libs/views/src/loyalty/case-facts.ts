import { byTimeThenPosition, type AnyLedgerEvent, type Channel } from '@cx/events';

/**
 * One row per case with what the `cases` block of SPEC §2.2 needs, as the case stood from its
 * events with `time < before`. The loyalty report reads case facts folded at `to`; a live
 * projection row (folded over every event) is the same row for any `to` after the case's last
 * event.
 */
export interface CaseFact {
  caseId: string;
  /** Customer of the opening event, else of the case's first event. */
  customerId: string;
  /** Channel the case was opened on; null for an orphan (never opened before the cutoff). */
  channel: Channel | null;
  /** Time of the opening event; null for an orphan. */
  openedAt: number | null;
  /** Team that owned the case when it was opened (the opening event's `team`). */
  openTeam: string | null;
  /** Ownership changes between teams (SPEC §2.3): accepted requests and takeovers; claims are not. */
  handoffs: number;
  /** Reopenings of a resolved case. */
  reopens: number;
  /** Time of the latest resolution, even if reopened since. */
  lastResolvedAt: number | null;
  /** Team owning the case at that resolution, else the resolving event's `team`. */
  resolvedTeam: string | null;
  /** Resolved and not reopened at the cutoff. */
  resolved: boolean;
}

const CASE_TYPES = [
  'cx.case.opened.v1',
  'cx.case.handoff.requested.v1',
  'cx.case.handoff.accepted.v1',
  'cx.case.resolved.v1',
  'cx.case.reopened.v1',
] as const;

type CaseEvent = Extract<AnyLedgerEvent, { type: (typeof CASE_TYPES)[number] }>;

const isCaseEvent = (event: AnyLedgerEvent): event is CaseEvent =>
  (CASE_TYPES as readonly string[]).includes(event.type);

/** The fact plus the ownership needed to fold the next event. */
interface CaseFold {
  fact: CaseFact;
  owner: string | null;
  pending: string | null;
}

function opened(fold: CaseFold, event: Extract<CaseEvent, { type: 'cx.case.opened.v1' }>): void {
  // A second opening of the same case is noise from a channel system: the first one stands.
  if (fold.fact.openedAt !== null) return;
  const team = event.data.team ?? null;
  Object.assign(fold.fact, { customerId: event.customerId, channel: event.data.channel, openedAt: event.time, openTeam: team });
  if (team !== null) fold.owner = team;
}

function accepted(fold: CaseFold, team: string): void {
  // With a pending request it is a handoff; without one, taking it from another team is a
  // takeover (also a handoff), and taking an unowned case is a claim (not a handoff).
  const isTakeover = fold.pending === null && fold.owner !== null && fold.owner !== team;
  if (fold.pending !== null || isTakeover) fold.fact.handoffs += 1;
  fold.owner = team;
  fold.pending = null;
}

function resolved(fold: CaseFold, event: Extract<CaseEvent, { type: 'cx.case.resolved.v1' }>): void {
  fold.fact.resolvedTeam = fold.owner ?? event.data.team ?? null;
  fold.fact.lastResolvedAt = event.time;
  fold.fact.resolved = true;
  fold.pending = null;
}

function reopened(fold: CaseFold): void {
  // Reopening a case that is not resolved changes nothing, so it is not counted.
  if (!fold.fact.resolved) return;
  fold.fact.reopens += 1;
  fold.fact.resolved = false;
  fold.owner = fold.fact.resolvedTeam;
}

function apply(fold: CaseFold, event: CaseEvent): void {
  switch (event.type) {
    case 'cx.case.opened.v1':
      return opened(fold, event);
    case 'cx.case.handoff.requested.v1':
      fold.pending = event.data.toTeam;
      fold.owner = null;
      return;
    case 'cx.case.handoff.accepted.v1':
      return accepted(fold, event.data.team);
    case 'cx.case.resolved.v1':
      return resolved(fold, event);
    case 'cx.case.reopened.v1':
      return reopened(fold);
  }
}

const emptyFact = (first: CaseEvent): CaseFact => ({
  caseId: first.data.caseId,
  customerId: first.customerId,
  channel: null,
  openedAt: null,
  openTeam: null,
  handoffs: 0,
  reopens: 0,
  lastResolvedAt: null,
  resolvedTeam: null,
  resolved: false,
});

/** The fact of one case from its events (any order; they are put in time order first). */
function foldCase(events: readonly CaseEvent[]): CaseFact {
  const ordered = [...events].sort(byTimeThenPosition);
  const fold: CaseFold = { fact: emptyFact(ordered[0]), owner: null, pending: null };
  for (const event of ordered) apply(fold, event);
  return fold.fact;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One fact per case from the case events with `time < before` (default: all of them), sorted
 * by caseId. Other event types are ignored, so the whole ledger can be passed in.
 */
export function caseFacts(events: readonly AnyLedgerEvent[], before = Number.POSITIVE_INFINITY): CaseFact[] {
  const byCase = new Map<string, CaseEvent[]>();
  for (const event of events) {
    if (!isCaseEvent(event) || event.time >= before) continue;
    const list = byCase.get(event.data.caseId);
    if (list) list.push(event);
    else byCase.set(event.data.caseId, [event]);
  }
  return [...byCase.values()].map(foldCase).sort((a, b) => byCodeUnits(a.caseId, b.caseId));
}
