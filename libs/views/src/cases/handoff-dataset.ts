/**
 * A hand-checked day of case events for the handoff report specs: 14 cases, 53 case events
 * (plus 2 interactions that must be ignored) across the teams billing, field, retention,
 * sales and tech. Times are minutes after 2026-03-02T00:00Z; the report window is
 * [01:00, 12:00) = [at(60), at(720)); the SLA is the default 4 hours (240 min).
 *
 * Every number of the expected report below is worked out from this list by hand.
 */
import { at, eventFactory } from './case-test-kit';

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
