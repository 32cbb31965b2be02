import type { AnyLedgerEvent } from '@cx/events';
import { DEFAULT_CASE_SETTINGS } from '../cases/case-settings';
import { evolveCase, initialCaseState } from '../cases/case-state';
import { at, eventFactory, foldCase } from '../cases/case-test-kit';
import { FoldSpecification } from '../testing';
import { alertId } from './alert';
import { caseAlerts } from './case-signals';

const HOUR = 60; // minutes
const alertsOf = (events: readonly AnyLedgerEvent[]) => caseAlerts(foldCase('k1', events), DEFAULT_CASE_SETTINGS);
/** Case k1 as a fold: given the events it holds, when one more arrives, then the alerts it raises. */
const caseK1 = FoldSpecification.for({ initial: () => initialCaseState('k1'), evolve: evolveCase });

describe('case signals', () => {
  it('a request still pending one millisecond past the 4-hour SLA is stalled; its acceptance follows it up', () => {
    const make = eventFactory();
    const events = [
      make.opened('k1', at(0), 'support'),
      make.requested('k1', at(10), 'support', 'billing'),
      make.accepted('k1', at(10 + 5 * HOUR), 'billing'),
    ];
    const [stalled] = alertsOf(events);
    const raisedAt = at(10 + 4 * HOUR) + 1;
    expect(alertsOf(events)).toHaveLength(1);
    expect(stalled).toEqual({
      id: alertId('handoff_stalled', 'k1', raisedAt),
      signal: 'handoff_stalled',
      subject: 'k1',
      customerId: 'cust-k1',
      caseId: 'k1',
      raisedAt,
      raisedBy: null,
      team: 'billing',
      detail: { handoffPosition: 2, fromTeam: 'support', toTeam: 'billing', requestedAt: at(10) },
      followUp: { at: at(10 + 5 * HOUR), position: 3, team: 'billing' },
    });
  });

  it('an acceptance at the SLA, or at the instant it passes, raises nothing', () => {
    for (const acceptedAt of [at(4 * HOUR), at(4 * HOUR) + 1]) {
      const make = eventFactory();
      caseK1
        .given(make.opened('k1', at(0), 'support'), make.requested('k1', at(0), 'support', 'tech'))
        .when(make.accepted('k1', acceptedAt, 'tech'))
        .then((state) => expect(caseAlerts(state, DEFAULT_CASE_SETTINGS)).toEqual([]));
    }
  });

  it('a superseded request that had stalled keeps its alert; the new one stalls on its own; a resolution follows both up', () => {
    const make = eventFactory();
    const events = [
      make.opened('k1', at(0), 'support'),
      make.requested('k1', at(0), 'support', 'billing'),
      make.requested('k1', at(5 * HOUR), 'support', 'tech'), // supersedes the first, stalled since 4 h
      make.resolved('k1', at(20 * HOUR), 'tech'),
    ];
    expect(alertsOf(events).map((a) => [a.signal, a.raisedAt, a.team, a.followUp?.at])).toEqual([
      ['handoff_stalled', at(4 * HOUR) + 1, 'billing', at(20 * HOUR)],
      ['handoff_stalled', at(9 * HOUR) + 1, 'tech', at(20 * HOUR)],
    ]);
  });

  it('a handoff back to a former owner is a ping-pong, raised at its acceptance and followed up by the next acceptance or resolution', () => {
    const make = eventFactory();
    const events = [
      make.opened('k1', at(0), 'support'),
      make.requested('k1', at(10), 'support', 'billing'),
      make.accepted('k1', at(20), 'billing'),
      make.requested('k1', at(30), 'billing', 'support'),
      make.accepted('k1', at(40), 'support'), // back to support: ping-pong
      make.resolved('k1', at(100), 'support'),
    ];
    const alerts = alertsOf(events);
    expect(alerts.map((a) => [a.signal, a.raisedAt, a.raisedBy, a.team, a.followUp?.at, a.followUp?.position])).toEqual([
      ['ping_pong', at(40), 5, 'support', at(100), 6],
    ]);
  });

  it('a takeover by a former owner is a ping-pong too', () => {
    const make = eventFactory();
    const events = [make.opened('k1', at(0), 'support'), make.accepted('k1', at(10), 'billing'), make.accepted('k1', at(20), 'support')];
    expect(alertsOf(events).map((a) => [a.signal, a.raisedAt, a.followUp])).toEqual([['ping_pong', at(20), null]]);
  });

  it('gives the same alerts in every arrival order', () => {
    const make = eventFactory();
    const events = [
      make.opened('k1', at(0), 'support'),
      make.requested('k1', at(10), 'support', 'billing'),
      make.accepted('k1', at(6 * HOUR), 'billing'),
      make.requested('k1', at(7 * HOUR), 'billing', 'support'),
      make.accepted('k1', at(8 * HOUR), 'support'),
      make.resolved('k1', at(9 * HOUR)),
      make.reopened('k1', at(10 * HOUR)),
      make.requested('k1', at(11 * HOUR), 'support', 'tech'),
    ];
    const expected = alertsOf(events);
    expect(expected.map((a) => a.signal)).toEqual(['handoff_stalled', 'ping_pong', 'handoff_stalled']);
    for (let rotation = 1; rotation < events.length; rotation += 1) {
      const arrival = [...events.slice(rotation), ...events.slice(0, rotation)].reverse();
      expect(alertsOf(arrival)).toEqual(expected);
    }
  });
});
