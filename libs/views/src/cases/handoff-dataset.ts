/**
 * A hand-checked day of case events for the handoff report specs: 14 cases, 53 case events
 * (plus 2 interactions that must be ignored) across the teams billing, field, retention,
 * sales and tech. Times are minutes after 2026-03-02T00:00Z; the report window is
 * [01:00, 12:00) = [at(60), at(720)); the SLA is the default 4 hours (240 min).
 *
 * Every number of the expected report below is worked out from this list by hand.
 */
import { at, eventFactory } from './case-test-kit';
import type { HandoffReport } from './handoff-report';

export const WINDOW = { from: at(60), to: at(720) };

export function handoffDataset() {
  const e = eventFactory();
  return [
    // C1: a plain handoff inside the window. Unowned 100→130 (30 min).
    e.opened('C1', at(70), 'billing'),
    e.requested('C1', at(100), 'billing', 'tech'),
    e.accepted('C1', at(130), 'tech'), // 30 min
    e.resolved('C1', at(300)), // owner tech → resolved by tech
    // C2: requested before the window, accepted inside it; then a ping-pong back to tech.
    // Unowned 30→90 (30 min inside the window, from 60) and 200→245:06 (45.1 min).
    e.opened('C2', at(0), 'tech'),
    e.requested('C2', at(30), 'tech', 'field'), // before `from`: not a handoffOut
    e.accepted('C2', at(90), 'field'), // 60 min
    e.requested('C2', at(200), 'field', 'tech'),
    e.accepted('C2', at(245, 6), 'tech'), // 45.1 min, pingPong (tech owned it before)
    // C3: superseded, then misrouted. Unowned 150→175:05 (25 min 5 s).
    e.opened('C3', at(120), 'sales'),
    e.requested('C3', at(150), 'sales', 'billing'), // superseded
    e.requested('C3', at(160), 'sales', 'retention'),
    e.accepted('C3', at(175, 5), 'billing'), // misrouted; 15 min 5 s = 15.0833 min
    // C4: two takeovers, the second back to a former owner. Never unowned.
    e.opened('C4', at(80), 'retention'),
    e.accepted('C4', at(110), 'sales'), // takeover retention → sales
    e.accepted('C4', at(400), 'retention'), // takeover sales → retention, pingPong
    e.resolved('C4', at(500)), // by retention
    // C5: a request pending 420 min at `to`: stalled for field. Unowned 300→720.
    e.opened('C5', at(200), 'billing'),
    e.requested('C5', at(300), 'billing', 'field'),
    // C6: a request pending exactly 240 min at `to`: NOT stalled. Unowned 480→720.
    e.opened('C6', at(400), 'tech'),
    e.requested('C6', at(480), 'tech', 'billing'),
    // C7: opened without a team, then claimed (no handoff). Unowned 20→95 (35 min in the
    // window) and 600→650 (50 min).
    e.opened('C7', at(20)),
    e.accepted('C7', at(95), 'field'), // claim
    e.requested('C7', at(600), 'field', 'tech'),
    e.accepted('C7', at(650), 'tech'), // 50 min
    e.resolved('C7', at(700), 'field'), // owner tech wins over the event's team
    // C8: an orphan (never opened), resolved, reopened, resolved again. Unowned 130→190.
    e.requested('C8', at(130), 'sales', 'tech'),
    e.accepted('C8', at(190), 'tech'), // 60 min, not a ping-pong (nobody owned it before)
    e.resolved('C8', at(260)),
    e.reopened('C8', at(330)), // back to tech
    e.resolved('C8', at(420)), // the last resolution: by tech
    // C9: resolved in the window but reopened before `to`: not counted as resolved.
    e.opened('C9', at(10), 'retention'),
    e.resolved('C9', at(100)),
    e.reopened('C9', at(150)),
    // C10: the acceptance exactly at `to` and the resolution after it do not count.
    // Unowned 500→720; pending 220 min at `to`: not stalled.
    e.opened('C10', at(300), 'sales'),
    e.requested('C10', at(500), 'sales', 'field'),
    e.accepted('C10', at(720), 'field'),
    e.resolved('C10', at(800), 'field'),
    // C11: never owned, resolved with no team: resolved by `unknown`. Unowned 30→90 (30 in window).
    e.opened('C11', at(30)),
    e.resolved('C11', at(90)),
    // C12: resolved before the window, reopened inside it, handed to sales and back.
    // Unowned 250→290 (40) and 330→360 (30).
    e.opened('C12', at(-100), 'field'),
    e.resolved('C12', at(-50)),
    e.reopened('C12', at(200)), // back to field
    e.requested('C12', at(250), 'field', 'sales'),
    e.accepted('C12', at(290), 'sales'), // 40 min
    e.requested('C12', at(330), 'sales', 'field'),
    e.accepted('C12', at(360), 'field'), // 30 min, pingPong
    e.resolved('C12', at(690)), // by field
    // C13: a handoff wholly before the window; retention owns it at `to`.
    e.opened('C13', at(-300), 'billing'),
    e.requested('C13', at(-200), 'billing', 'retention'),
    e.accepted('C13', at(-150), 'retention'),
    // C14: requested exactly at `from` (counts), pending 660 min at `to`: stalled. Unowned 60→720.
    e.opened('C14', at(50), 'sales'),
    e.requested('C14', at(60), 'sales', 'retention'),
    // Interactions carry a caseId but are not case events: they change nothing.
    e.interaction('C1', at(120), 'sales'),
    e.interaction('C5', at(310), 'field'),
  ];
}

/**
 * The report over the dataset above, window [at(60), at(720)), worked out
 * by hand (minutes after T0; "C2 45.1" = case C2's handoff of 45.1 minutes).
 *
 * handoffsOut: requests with from <= requestedAt < to, by fromTeam
 *   billing: C1@100, C5@300 = 2 · field: C2@200, C7@600, C12@250 = 3 · tech: C6@480 = 1
 *   sales: C3@150, C3@160 (superseded ones count), C8@130, C10@500, C12@330, C14@60 = 6
 *   (C2@30 and C13@-200 are before the window.)
 * handoffsIn: accepted handoffs with from <= acceptedAt < to, by the accepting team
 *   tech: C1 30, C2 45.1 (pingPong), C7 50, C8 60 = 4; median (45.1 + 50) / 2 = 47.55 → 47.6
 *   field: C2 60, C12 30 (pingPong) = 2; median (30 + 60) / 2 = 45
 *   billing: C3 15.0833 (misrouted) = 1; median 15.1
 *   sales: C4 takeover, C12 40 = 2; median of [40] = 40 (takeovers have no minutes)
 *   retention: C4 takeover (pingPong) = 1; median of nothing = null
 *   (C7's claim is no handoff; C10's acceptance is at `to`; C13's is before `from`.)
 * stalledNow at `to` (pending > 240 min): field C5 (420), retention C14 (660);
 *   not C6 (exactly 240) nor C10 (220).
 * openOwned at `to`: tech C2, billing C3, retention C9 and C13.
 * resolved (resolved at `to`, last resolution in the window, by the owner then, else the
 *   event's team, else unknown): tech C1, C7 (owner tech, event said field), C8 (last @420);
 *   retention C4; field C12; unknown C11. Not C9 (reopened), C10 (@800).
 * matrix: 9 pairs, 10 handoffs; field→tech holds C2 45.1 and C7 50 → 47.6.
 * ownerless at `to`, oldest first: C14 since 60 (retention), C5 300 (field),
 *   C6 480 (billing), C10 500 (field).
 * totals: 10 handoffs; minutes [15.08, 30, 30, 40, 45.1, 50, 60, 60] → (40 + 45.1) / 2 =
 *   42.55 → 42.6; unowned minutes in the window: C1 30 + C2 (30 + 45.1) + C3 25.083 +
 *   C5 420 + C6 240 + C7 (35 + 50) + C8 60 + C10 220 + C11 30 + C12 (40 + 30) + C14 660
 *   = 1915 min 11 s = 31.9197 h → 31.92.
 */
export const HANDOFF_DATASET_REPORT: HandoffReport = {
  from: WINDOW.from,
  to: WINDOW.to,
  teams: [
    { team: 'billing', handoffsOut: 2, handoffsIn: 1, medianMinutesToAccept: 15.1, stalledNow: 0, openOwned: 1, pingPongs: 0, resolved: 0 },
    { team: 'field', handoffsOut: 3, handoffsIn: 2, medianMinutesToAccept: 45, stalledNow: 1, openOwned: 0, pingPongs: 1, resolved: 1 },
    {
      team: 'retention',
      handoffsOut: 0,
      handoffsIn: 1,
      medianMinutesToAccept: null,
      stalledNow: 1,
      openOwned: 2,
      pingPongs: 1,
      resolved: 1,
    },
    { team: 'sales', handoffsOut: 6, handoffsIn: 2, medianMinutesToAccept: 40, stalledNow: 0, openOwned: 0, pingPongs: 0, resolved: 0 },
    { team: 'tech', handoffsOut: 1, handoffsIn: 4, medianMinutesToAccept: 47.6, stalledNow: 0, openOwned: 1, pingPongs: 1, resolved: 3 },
    { team: 'unknown', handoffsOut: 0, handoffsIn: 0, medianMinutesToAccept: null, stalledNow: 0, openOwned: 0, pingPongs: 0, resolved: 1 },
  ],
  matrix: [
    { fromTeam: 'billing', toTeam: 'tech', count: 1, medianMinutesToAccept: 30 },
    { fromTeam: 'field', toTeam: 'sales', count: 1, medianMinutesToAccept: 40 },
    { fromTeam: 'field', toTeam: 'tech', count: 2, medianMinutesToAccept: 47.6 },
    { fromTeam: 'retention', toTeam: 'sales', count: 1, medianMinutesToAccept: null },
    { fromTeam: 'sales', toTeam: 'billing', count: 1, medianMinutesToAccept: 15.1 },
    { fromTeam: 'sales', toTeam: 'field', count: 1, medianMinutesToAccept: 30 },
    { fromTeam: 'sales', toTeam: 'retention', count: 1, medianMinutesToAccept: null },
    { fromTeam: 'sales', toTeam: 'tech', count: 1, medianMinutesToAccept: 60 },
    { fromTeam: 'tech', toTeam: 'field', count: 1, medianMinutesToAccept: 60 },
  ],
  ownerless: [
    { caseId: 'C14', customerId: 'cust-C14', unownedSince: at(60), pendingTeam: 'retention' },
    { caseId: 'C5', customerId: 'cust-C5', unownedSince: at(300), pendingTeam: 'field' },
    { caseId: 'C6', customerId: 'cust-C6', unownedSince: at(480), pendingTeam: 'billing' },
    { caseId: 'C10', customerId: 'cust-C10', unownedSince: at(500), pendingTeam: 'field' },
  ],
  totals: { handoffs: 10, medianMinutesToAccept: 42.6, unownedHours: 31.92 },
};
