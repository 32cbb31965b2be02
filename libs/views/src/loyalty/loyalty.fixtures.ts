import type { AnyLedgerEvent, EventType } from '@cx/events';
import { appendedEvents, type DataOf } from '../testing/appended-events';
import type { Stage, StageOf } from './loyalty-report';

/**
 * A hand-built ledger for the loyalty report tests: 104 events, 8 customers, teams support,
 * billing and tech, channels phone, email, chat, web, app, store and letter. The report window
 * is March 2026: [FROM, TO). Events are listed in ARRIVAL order; `position` is the index in
 * this list, so K11's opening (listed after its later events) arrives late, and K13/K14 have
 * two events at the same time whose order is decided by position.
 */

export const FROM = Date.parse('2026-03-01T00:00:00Z');
export const TO = Date.parse('2026-04-01T00:00:00Z');

/** Builds events in arrival order; each gets the next position. Times are RFC 3339. */
export function ledgerBuilder() {
  const appended = appendedEvents();
  const add = <T extends EventType>(type: T, customerId: string, time: string, data: DataOf<T>): void => {
    appended.add(type, customerId, Date.parse(time), data);
  };
  return { events: appended.events, add };
}

const { events, add } = ledgerBuilder();
export const LEDGER: readonly AnyLedgerEvent[] = events;

// ---- Profiles: the segment at TO is the latest profile with a segment before TO.
add('cx.customer.profiled.v1', 'alice', '2026-01-02T08:00:00Z', { segment: 'smb' });
add('cx.customer.profiled.v1', 'bob', '2026-01-02T08:00:00Z', { segment: 'smb' });
add('cx.customer.profiled.v1', 'carol', '2025-07-01T08:00:00Z', { segment: 'enterprise' });
add('cx.customer.profiled.v1', 'dave', '2025-09-01T08:00:00Z', { segment: 'enterprise' });
add('cx.customer.profiled.v1', 'erin', '2026-01-03T08:00:00Z', { segment: 'consumer' });
add('cx.customer.profiled.v1', 'gina', '2026-03-01T12:00:00Z', { segment: 'consumer' });
add('cx.customer.profiled.v1', 'hank', '2026-01-04T08:00:00Z', { segment: 'enterprise' });
add('cx.customer.profiled.v1', 'hank', '2026-03-10T08:00:00Z', { segment: 'smb' }); // latest before TO
add('cx.customer.profiled.v1', 'hank', '2026-04-05T08:00:00Z', { segment: 'consumer' }); // after TO
add('cx.customer.profiled.v1', 'frank', '2026-03-02T08:00:00Z', { name: 'Frank' }); // no segment: unknown

// ---- Orders O1..O17 (O1-O6 before the window; O16 at TO and O17 after it are outside).
const order = (
  id: string,
  customer: string,
  time: string,
  amountMinor: number,
  currency: string,
  channel: 'store' | 'web' | 'phone' | 'app',
) => add('cx.purchase.completed.v1', customer, time, { orderId: id, amountMinor, currency, channel });
order('O1', 'alice', '2025-12-10T10:00:00Z', 5000, 'EUR', 'store');
order('O2', 'bob', '2026-01-05T10:00:00Z', 2000, 'EUR', 'web');
order('O3', 'carol', '2025-08-01T10:00:00Z', 10000, 'USD', 'web');
order('O4', 'dave', '2025-09-20T10:00:00Z', 3000, 'EUR', 'phone');
order('O5', 'erin', '2026-02-14T10:00:00Z', 1500, 'EUR', 'app');
order('O6', 'hank', '2026-02-28T23:59:59Z', 800, 'EUR', 'store');
order('O7', 'alice', '2026-03-01T00:00:00Z', 5000, 'EUR', 'store'); // exactly FROM: in
order('O8', 'alice', '2026-03-15T10:00:00Z', 2500, 'EUR', 'web');
order('O9', 'alice', '2026-03-20T10:00:00Z', 1000, 'USD', 'web');
order('O10', 'bob', '2026-03-10T10:00:00Z', 4000, 'EUR', 'web');
order('O11', 'erin', '2026-03-05T10:00:00Z', 1200, 'EUR', 'app');
order('O12', 'erin', '2026-03-25T10:00:00Z', 1800, 'EUR', 'store');
order('O13', 'gina', '2026-03-12T10:00:00Z', 9900, 'USD', 'web');
order('O14', 'gina', '2026-03-31T23:59:59.999Z', 100, 'USD', 'web'); // last millisecond: in
order('O15', 'frank', '2026-03-18T10:00:00Z', 700, 'EUR', 'phone');
order('O16', 'hank', '2026-04-01T00:00:00Z', 999, 'EUR', 'store'); // exactly TO: out
order('O17', 'bob', '2026-04-10T10:00:00Z', 500, 'EUR', 'web');

// ---- Surveys. NPS N1..N13 (N11 one millisecond before FROM, N12 at TO: both out).
type SurveyData = DataOf<'cx.survey.answered.v1'>;
const survey = (customer: string, time: string, data: SurveyData) => add('cx.survey.answered.v1', customer, time, data);
survey('alice', '2026-03-02T10:00:00Z', { survey: 'nps', score: 10, channel: 'email', team: 'support' }); // N1
survey('bob', '2026-03-03T10:00:00Z', { survey: 'nps', score: 9, channel: 'phone', team: 'support' }); // N2
survey('carol', '2026-03-04T10:00:00Z', { survey: 'nps', score: 3, channel: 'phone', team: 'billing' }); // N3
survey('dave', '2026-03-05T10:00:00Z', { survey: 'nps', score: 6, channel: 'email', team: 'billing' }); // N4
survey('erin', '2026-03-06T10:00:00Z', { survey: 'nps', score: 8, channel: 'app' }); // N5 no team
survey('gina', '2026-03-07T10:00:00Z', { survey: 'nps', score: 7, channel: 'web', team: 'support' }); // N6
survey('hank', '2026-03-08T10:00:00Z', { survey: 'nps', score: 0, team: 'tech' }); // N7 no channel
survey('frank', '2026-03-09T10:00:00Z', { survey: 'nps', score: 10, channel: 'phone', team: 'tech' }); // N8
survey('alice', '2026-03-20T10:00:00Z', { survey: 'nps', score: 9, channel: 'chat', team: 'support' }); // N9
survey('erin', '2026-03-21T10:00:00Z', { survey: 'nps', score: 9, channel: 'app', team: 'billing' }); // N10
survey('bob', '2026-02-28T23:59:59.999Z', { survey: 'nps', score: 2, channel: 'phone', team: 'support' }); // N11 out
survey('carol', '2026-04-01T00:00:00Z', { survey: 'nps', score: 10, channel: 'email', team: 'billing' }); // N12 out
survey('gina', '2026-03-22T10:00:00Z', { survey: 'nps', score: 8, channel: 'store', team: 'support' }); // N13
// CSAT C1..C8 (C8 after TO).
survey('alice', '2026-03-02T11:00:00Z', { survey: 'csat', score: 5, channel: 'chat', team: 'support', caseId: 'K1' }); // C1
survey('bob', '2026-03-03T11:00:00Z', { survey: 'csat', score: 3, channel: 'phone', team: 'support' }); // C2
survey('carol', '2026-03-04T11:00:00Z', { survey: 'csat', score: 4, channel: 'email', team: 'billing', caseId: 'K3' }); // C3
survey('dave', '2026-03-05T11:00:00Z', { survey: 'csat', score: 2, channel: 'phone', team: 'billing' }); // C4
survey('erin', '2026-03-06T11:00:00Z', { survey: 'csat', score: 4, channel: 'app' }); // C5 no team
survey('gina', '2026-03-10T11:00:00Z', { survey: 'csat', score: 1, channel: 'web', team: 'support' }); // C6
survey('hank', '2026-03-11T11:00:00Z', { survey: 'csat', score: 5, channel: 'store', team: 'tech' }); // C7
survey('alice', '2026-04-02T11:00:00Z', { survey: 'csat', score: 5, channel: 'chat', team: 'support' }); // C8 out
// CES E1..E9 (E9 before FROM).
survey('alice', '2026-03-02T12:00:00Z', { survey: 'ces', score: 1, channel: 'web', team: 'support' }); // E1
survey('bob', '2026-03-03T12:00:00Z', { survey: 'ces', score: 2, channel: 'web', team: 'support' }); // E2
survey('carol', '2026-03-04T12:00:00Z', { survey: 'ces', score: 3, channel: 'phone', team: 'billing' }); // E3
survey('dave', '2026-03-05T12:00:00Z', { survey: 'ces', score: 4, channel: 'phone', team: 'billing' }); // E4
survey('erin', '2026-03-06T12:00:00Z', { survey: 'ces', score: 1, channel: 'app' }); // E5 no team
survey('gina', '2026-03-07T12:00:00Z', { survey: 'ces', score: 2, channel: 'app', team: 'support' }); // E6
survey('hank', '2026-03-08T12:00:00Z', { survey: 'ces', score: 3, team: 'tech' }); // E7 no channel
survey('frank', '2026-03-09T12:00:00Z', { survey: 'ces', score: 1, channel: 'phone', team: 'tech' }); // E8
survey('bob', '2026-02-15T12:00:00Z', { survey: 'ces', score: 7, channel: 'web', team: 'support' }); // E9 out

// ---- Referrals R1..R5 (R4 before FROM, R5 at TO: out).
add('cx.customer.referred.v1', 'alice', '2026-03-05T09:00:00Z', { channel: 'web', referred: { email: 'x@example.com' } });
add('cx.customer.referred.v1', 'alice', '2026-03-15T09:00:00Z', {});
add('cx.customer.referred.v1', 'bob', '2026-03-20T09:00:00Z', { channel: 'email' });
add('cx.customer.referred.v1', 'gina', '2026-02-20T09:00:00Z', { channel: 'web' });
add('cx.customer.referred.v1', 'erin', '2026-04-01T00:00:00Z', { channel: 'app' });

// ---- Cases K1..K14.
const opened = (caseId: string, customer: string, time: string, channel: DataOf<'cx.case.opened.v1'>['channel'], team?: string) =>
  add('cx.case.opened.v1', customer, time, { caseId, category: 'complaint', channel, ...(team ? { team } : {}) });
const resolved = (caseId: string, customer: string, time: string, team?: string) =>
  add('cx.case.resolved.v1', customer, time, { caseId, ...(team ? { team } : {}) });
const reopened = (caseId: string, customer: string, time: string) => add('cx.case.reopened.v1', customer, time, { caseId });
const requested = (caseId: string, customer: string, time: string, fromTeam: string, toTeam: string) =>
  add('cx.case.handoff.requested.v1', customer, time, { caseId, fromTeam, toTeam });
const accepted = (caseId: string, customer: string, time: string, team: string) =>
  add('cx.case.handoff.accepted.v1', customer, time, { caseId, team });

// K1: support opens and resolves it 1.5 h later: first-contact resolution.
opened('K1', 'alice', '2026-03-02T09:00:00Z', 'phone', 'support');
resolved('K1', 'alice', '2026-03-02T10:30:00Z', 'support');
// K2: handed from support to billing, resolved by billing (the event names no team): 24 h.
opened('K2', 'bob', '2026-03-03T09:00:00Z', 'email', 'support');
requested('K2', 'bob', '2026-03-03T10:00:00Z', 'support', 'billing');
accepted('K2', 'bob', '2026-03-03T11:00:00Z', 'billing');
resolved('K2', 'bob', '2026-03-04T09:00:00Z');
// K3: opened in February, resolved exactly at FROM (counts): 87 h.
opened('K3', 'carol', '2026-02-25T09:00:00Z', 'web', 'billing');
resolved('K3', 'carol', '2026-03-01T00:00:00Z', 'billing');
// K4: resolved, reopened, resolved again by tech: 72 h to the last resolution, one reopen.
opened('K4', 'dave', '2026-03-10T08:00:00Z', 'phone', 'tech');
resolved('K4', 'dave', '2026-03-11T08:00:00Z', 'tech');
reopened('K4', 'dave', '2026-03-12T08:00:00Z');
resolved('K4', 'dave', '2026-03-13T08:00:00Z');
// K5: opened unowned, claimed by support (a claim is not a handoff), resolved 2 h 1 min 30 s later.
opened('K5', 'erin', '2026-03-15T12:00:00Z', 'chat');
accepted('K5', 'erin', '2026-03-15T12:30:00Z', 'support');
resolved('K5', 'erin', '2026-03-15T14:01:30Z');
// K6: resolved then reopened before TO: not resolved at TO.
opened('K6', 'gina', '2026-03-20T10:00:00Z', 'store', 'support');
resolved('K6', 'gina', '2026-03-21T10:00:00Z', 'support');
reopened('K6', 'gina', '2026-03-25T10:00:00Z');
// K7: resolved after TO: opened only.
opened('K7', 'hank', '2026-03-28T10:00:00Z', 'app', 'billing');
resolved('K7', 'hank', '2026-04-02T10:00:00Z', 'billing');
// K8: billing takes it over from tech (a handoff without request); the resolving event says
// tech but billing owns it then: resolved by billing, 636 h.
opened('K8', 'frank', '2026-03-05T10:00:00Z', 'phone', 'tech');
accepted('K8', 'frank', '2026-03-05T11:00:00Z', 'billing');
resolved('K8', 'frank', '2026-03-31T22:00:00Z', 'tech');
// K9: orphan (never opened), resolved by support.
resolved('K9', 'alice', '2026-03-08T10:00:00Z', 'support');
// K10: resolved exactly at TO: opened only.
opened('K10', 'bob', '2026-03-30T10:00:00Z', 'email', 'support');
resolved('K10', 'bob', '2026-04-01T00:00:00Z', 'support');
// K11: its opening arrives last. billing → tech is superseded by billing → support, which
// support accepts (one handoff); resolved 3 h after opening, owned by support.
requested('K11', 'carol', '2026-03-18T09:30:00Z', 'billing', 'tech');
requested('K11', 'carol', '2026-03-18T10:00:00Z', 'billing', 'support');
accepted('K11', 'carol', '2026-03-18T11:00:00Z', 'support');
resolved('K11', 'carol', '2026-03-18T12:00:00Z');
opened('K11', 'carol', '2026-03-18T09:00:00Z', 'web', 'billing');
// K12: opened in February with no team, resolved by the event's team billing: 864 h.
opened('K12', 'dave', '2026-02-01T10:00:00Z', 'letter');
resolved('K12', 'dave', '2026-03-09T10:00:00Z', 'billing');
// K13: resolved and reopened at the same instant, the reopen appended last: open at TO.
opened('K13', 'hank', '2026-03-22T10:00:00Z', 'phone', 'tech');
resolved('K13', 'hank', '2026-03-23T10:00:00Z', 'tech');
reopened('K13', 'hank', '2026-03-23T10:00:00Z');
// K14: a reopen appended before a resolution at the same instant: it reopens nothing, so the
// case is resolved, with no reopen: 48 h.
opened('K14', 'erin', '2026-03-24T10:00:00Z', 'email', 'tech');
reopened('K14', 'erin', '2026-03-26T10:00:00Z');
resolved('K14', 'erin', '2026-03-26T10:00:00Z', 'tech');

// ---- Other events the loyalty facts ignore, and hank's explicit cancellation.
add('cx.interaction.recorded.v1', 'alice', '2026-03-02T08:55:00Z', {
  channel: 'phone',
  direction: 'inbound',
  team: 'support',
  caseId: 'K1',
});
add('cx.interaction.recorded.v1', 'bob', '2026-03-03T08:55:00Z', { channel: 'email', direction: 'inbound' });
add('cx.customer.churned.v1', 'hank', '2026-03-29T12:00:00Z', { reason: 'moved away' });

/** Latest segment before `to`, from the profiles above (what the caller supplies in production). */
export function segmentsAt(ledger: readonly AnyLedgerEvent[], to: number): (customerId: string) => string | null {
  const latest = new Map<string, { time: number; position: number; segment: string }>();
  for (const e of ledger) {
    if (e.type !== 'cx.customer.profiled.v1' || e.time >= to || e.data.segment === undefined) continue;
    const seen = latest.get(e.customerId);
    if (!seen || e.time > seen.time || (e.time === seen.time && e.position > seen.position)) {
      latest.set(e.customerId, { time: e.time, position: e.position, segment: e.data.segment });
    }
  }
  return (customerId) => latest.get(customerId)?.segment ?? null;
}

/**
 * Stages at FROM and at TO, worked out by hand from SPEC §2.1 (events before the instant):
 * - alice: at FROM one purchase (O1, 2025-12-10: 81 days, not over 90) → new. At TO 4
 *   purchases, latest NPS 9 (N9) and a referral (R1) → advocate.
 * - bob: at FROM last purchase 55 days ago but latest NPS in 90 days is 2 (N11) → at_risk.
 *   At TO latest NPS 9 (N2) and a referral (R3) → advocate.
 * - carol: at FROM last purchase 2025-08-01, 212 days > 180 → churned (not counted).
 * - dave: last purchase 2025-09-20: 162 days at FROM (> 90) → at_risk; 193 days at TO
 *   (> 180) → churned.
 * - erin: at FROM one purchase 15 days ago → new; at TO 3 purchases, NPS 9 but no referral
 *   before TO (R5 is at TO) → loyal.
 * - hank: at FROM one purchase 1 s ago → new; at TO the cancellation of 03-29 follows his last
 *   purchase (O16 is at TO, so not before it) → churned.
 * - frank, gina: no purchase before FROM → prospect (never asked: the report only asks about
 *   customers with a purchase before FROM).
 */
export const STAGES: Partial<Record<string, { atFrom: Stage; atTo: Stage }>> = {
  alice: { atFrom: 'new', atTo: 'advocate' },
  bob: { atFrom: 'at_risk', atTo: 'advocate' },
  carol: { atFrom: 'churned', atTo: 'churned' },
  dave: { atFrom: 'at_risk', atTo: 'churned' },
  erin: { atFrom: 'new', atTo: 'loyal' },
  hank: { atFrom: 'new', atTo: 'churned' },
  frank: { atFrom: 'prospect', atTo: 'new' },
  gina: { atFrom: 'prospect', atTo: 'active' },
};

/** A stub lifecycle: it only knows FROM and TO, so any other question fails the test. */
export const stageOf: StageOf = (customerId, at) => {
  const stages = STAGES[customerId];
  if (!stages) throw new Error(`unexpected customer ${customerId}`);
  if (at === FROM) return stages.atFrom;
  if (at === TO) return stages.atTo;
  throw new Error(`stage asked at unexpected time ${new Date(at).toISOString()}`);
};
