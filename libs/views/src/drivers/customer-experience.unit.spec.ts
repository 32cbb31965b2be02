import type { AnyLedgerEvent } from '@cx/events';
import { customerAttributes } from './customer-experience';
import type { AlertFollowUpFact } from './driver-facts';
import { caseStates, contactFacts } from './driver-facts';
import { answerPeriod, windowPeriod, type Period } from './driver-period';
import { DEFAULT_DRIVER_SETTINGS } from './driver-settings';
import { DAY, HOUR, ledger, shuffled, T } from './drivers-test-kit';

/**
 * Every attribute's rule of SPEC §2.5, worked by hand. The answer is at T; its period is
 * (T − 90 days, T]. The handoff SLA is 4 hours, the follow-up SLA 48 hours (the defaults).
 */

const MS = 1;

function attributesOf(
  events: readonly AnyLedgerEvent[],
  options: { customer?: string; period?: Period; followUps?: AlertFollowUpFact[] } = {},
): string[] {
  const sources = { cases: caseStates(events), contacts: contactFacts(events), followUps: options.followUps ?? [] };
  const found = customerAttributes(options.customer ?? 'c', options.period ?? answerPeriod(T), sources, DEFAULT_DRIVER_SETTINGS);
  return [...found].sort();
}

/** Just the case attributes (contacts made by case openings are left out of these expectations). */
const caseAttrs = (events: readonly AnyLedgerEvent[], options: Parameters<typeof attributesOf>[1] = {}) =>
  attributesOf(events, options).filter((a) => !a.startsWith('channel:'));

describe('hadCase: a case of the customer open at some instant of the period, or resolved in it', () => {
  it.each([
    ['open, opened 10 days before', (l: L) => l.opened('c', 'k', T - 10 * DAY), true],
    [
      'opened 100 days before, resolved 95 days before',
      (l: L) => {
        l.opened('c', 'k', T - 100 * DAY);
        l.resolved('c', 'k', T - 95 * DAY);
      },
      false,
    ],
    [
      'opened 100 days before, resolved 89 days before',
      (l: L) => {
        l.opened('c', 'k', T - 100 * DAY);
        l.resolved('c', 'k', T - 89 * DAY);
      },
      true,
    ],
    [
      'resolved exactly 90 days before: the period starts after that instant',
      (l: L) => {
        l.opened('c', 'k', T - 100 * DAY);
        l.resolved('c', 'k', T - 90 * DAY);
      },
      false,
    ],
    [
      'resolved 90 days minus 1 ms before',
      (l: L) => {
        l.opened('c', 'k', T - 100 * DAY);
        l.resolved('c', 'k', T - 90 * DAY + MS);
      },
      true,
    ],
    ['opened 1 ms after the answer', (l: L) => l.opened('c', 'k', T + MS), false],
    ['opened at the answer instant', (l: L) => l.opened('c', 'k', T), true],
    [
      'resolved long ago, reopened in the period',
      (l: L) => {
        l.opened('c', 'k', T - 200 * DAY);
        l.resolved('c', 'k', T - 150 * DAY);
        l.reopened('c', 'k', T - 10 * DAY);
      },
      true,
    ],
    [
      'resolved long ago, reopened after the answer',
      (l: L) => {
        l.opened('c', 'k', T - 200 * DAY);
        l.resolved('c', 'k', T - 150 * DAY);
        l.reopened('c', 'k', T + DAY);
      },
      false,
    ],
    [
      'open at the answer, resolved after it',
      (l: L) => {
        l.opened('c', 'k', T - 200 * DAY);
        l.resolved('c', 'k', T + DAY);
      },
      true,
    ],
    ['an orphan (never opened) with a request in the period', (l: L) => l.requested('c', 'k', T - 5 * DAY, 'a', 'b'), true],
    ["another customer's case", (l: L) => l.opened('someone-else', 'k', T - 5 * DAY), false],
  ])('%s', (_name, build, expected) => {
    const l = ledger();
    build(l);
    expect(caseAttrs(l.events).includes('hadCase')).toBe(expected);
  });

  it('follows the case to the customer of its opening once the opening is known', () => {
    const l = ledger();
    // The first event names one customer; the opening, timed later, another.
    l.requested('first', 'k', T - 10 * DAY, 'a', 'b');
    l.opened('opener', 'k', T - 5 * DAY);
    expect(caseAttrs(l.events, { customer: 'opener' })).toContain('hadCase');
    expect(caseAttrs(l.events, { customer: 'first' })).toEqual([]);
    // Before the opening (an answer 6 days before T) the case was still the first customer's.
    const early = answerPeriod(T - 6 * DAY);
    expect(caseAttrs(l.events, { customer: 'first', period: early })).toContain('hadCase');
    expect(caseAttrs(l.events, { customer: 'opener', period: early })).toEqual([]);
  });
});

type L = ReturnType<typeof ledger>;

describe('hadComplaint: one of those cases was opened as a complaint', () => {
  it.each([
    ['a complaint open in the period', (l: L) => l.opened('c', 'k', T - 3 * DAY, { category: 'complaint' }), true],
    ['an inquiry', (l: L) => l.opened('c', 'k', T - 3 * DAY, { category: 'inquiry' }), false],
    ['a complaint opened 200 days before and still open', (l: L) => l.opened('c', 'k', T - 200 * DAY, { category: 'complaint' }), true],
    [
      'a complaint resolved before the period',
      (l: L) => {
        l.opened('c', 'k', T - 200 * DAY, { category: 'complaint' });
        l.resolved('c', 'k', T - 100 * DAY);
      },
      false,
    ],
    ['an orphan has no category', (l: L) => l.requested('c', 'k', T - 3 * DAY, 'a', 'b'), false],
  ])('%s', (_name, build, expected) => {
    const l = ledger();
    build(l);
    expect(caseAttrs(l.events).includes('hadComplaint')).toBe(expected);
  });
});

describe('hadHandoff and hadPingPong: a handoff of such a case accepted in the period', () => {
  it('counts an accepted request, not a pending one, a claim, or one accepted outside the period', () => {
    const accepted = ledger();
    accepted.opened('c', 'k', T - 10 * DAY, { team: 'a' });
    accepted.requested('c', 'k', T - 9 * DAY, 'a', 'b');
    accepted.accepted('c', 'k', T - 9 * DAY + HOUR, 'b');
    expect(caseAttrs(accepted.events)).toEqual(['hadCase', 'hadHandoff']);

    const pending = ledger();
    pending.opened('c', 'k', T - 10 * DAY, { team: 'a' });
    pending.requested('c', 'k', T - HOUR, 'a', 'b');
    expect(caseAttrs(pending.events)).toEqual(['hadCase']);

    const claim = ledger();
    claim.opened('c', 'k', T - 10 * DAY);
    claim.accepted('c', 'k', T - 10 * DAY + HOUR, 'a');
    expect(caseAttrs(claim.events)).toEqual(['hadCase']);

    const before = ledger();
    before.opened('c', 'k', T - 100 * DAY, { team: 'a' });
    before.requested('c', 'k', T - 95 * DAY, 'a', 'b');
    before.accepted('c', 'k', T - 95 * DAY + HOUR, 'b');
    expect(caseAttrs(before.events)).toEqual(['hadCase']);

    const after = ledger();
    after.opened('c', 'k', T - 10 * DAY, { team: 'a' });
    after.requested('c', 'k', T - HOUR, 'a', 'b');
    after.accepted('c', 'k', T + HOUR, 'b');
    expect(caseAttrs(after.events)).toEqual(['hadCase']);
  });

  it('counts a takeover (another team taking an owned case) as a handoff', () => {
    const l = ledger();
    l.opened('c', 'k', T - 10 * DAY, { team: 'a' });
    l.accepted('c', 'k', T - 9 * DAY, 'b');
    expect(caseAttrs(l.events)).toEqual(['hadCase', 'hadHandoff']);
  });

  it('flags a ping-pong when a handoff accepted in the period gives the case back to a former owner', () => {
    const l = ledger();
    l.opened('c', 'k', T - 10 * DAY, { team: 'a' });
    l.requested('c', 'k', T - 9 * DAY, 'a', 'b');
    l.accepted('c', 'k', T - 9 * DAY + HOUR, 'b');
    l.requested('c', 'k', T - 8 * DAY, 'b', 'a');
    l.accepted('c', 'k', T - 8 * DAY + HOUR, 'a');
    expect(caseAttrs(l.events)).toEqual(['hadCase', 'hadHandoff', 'hadPingPong']);
  });

  it('does not flag a ping-pong that came back before the period', () => {
    const l = ledger();
    l.opened('c', 'k', T - 100 * DAY, { team: 'a' });
    l.requested('c', 'k', T - 99 * DAY, 'a', 'b');
    l.accepted('c', 'k', T - 99 * DAY + HOUR, 'b');
    l.requested('c', 'k', T - 98 * DAY, 'b', 'a');
    l.accepted('c', 'k', T - 98 * DAY + HOUR, 'a');
    expect(caseAttrs(l.events)).toEqual(['hadCase']);
  });
});

describe('hadStalledHandoff: a request pending for more than the SLA at some instant of the period', () => {
  const stalled = (requestedAt: number, closedAt?: number) => {
    const l = ledger();
    l.opened('c', 'k', T - 200 * DAY, { team: 'a' });
    l.requested('c', 'k', requestedAt, 'a', 'b');
    if (closedAt !== undefined) l.accepted('c', 'k', closedAt, 'b');
    return caseAttrs(l.events).includes('hadStalledHandoff');
  };

  it.each([
    ['pending for 10 hours at the answer', T - 10 * HOUR, undefined, true],
    ['pending for 3 hours at the answer', T - 3 * HOUR, undefined, false],
    ['pending for exactly the SLA at the answer: not more than it', T - 4 * HOUR, undefined, false],
    ['pending for the SLA and 1 ms', T - 4 * HOUR - MS, undefined, true],
    ['stalled, but accepted before the period began', T - 100 * DAY, T - 91 * DAY, false],
    ['stalled from before the period into it', T - 100 * DAY, T - 89 * DAY, true],
    ['accepted 1 ms after the SLA: pending for more than it at no instant', T - 20 * DAY, T - 20 * DAY + 4 * HOUR + MS, false],
    ['accepted 2 ms after the SLA: stalled for 1 ms', T - 20 * DAY, T - 20 * DAY + 4 * HOUR + 2 * MS, true],
    ['accepted after the answer: pending at the answer as of then', T - 5 * HOUR, T + DAY, true],
  ])('%s', (_name, requestedAt, closedAt, expected) => {
    expect(stalled(requestedAt, closedAt)).toBe(expected);
  });
});

describe('unownedOver4h: a case of the customer had no owner for more than 4 hours in total within the period', () => {
  it('adds up the unowned stretches of one case', () => {
    const l = ledger();
    l.opened('c', 'k', T - 10 * DAY); // unowned 2 h
    l.accepted('c', 'k', T - 10 * DAY + 2 * HOUR, 'a');
    l.requested('c', 'k', T - 5 * DAY, 'a', 'b'); // unowned 3 h
    l.accepted('c', 'k', T - 5 * DAY + 3 * HOUR, 'b');
    expect(caseAttrs(l.events)).toContain('unownedOver4h');
  });

  it('does not add stretches of two cases', () => {
    const l = ledger();
    for (const k of ['k1', 'k2']) {
      l.opened('c', k, T - 10 * DAY);
      l.accepted('c', k, T - 10 * DAY + 3 * HOUR, 'a');
    }
    expect(caseAttrs(l.events)).not.toContain('unownedOver4h');
  });

  it.each([
    ['5 hours unowned', 5 * HOUR, true],
    ['exactly 4 hours: not more than 4', 4 * HOUR, false],
    ['4 hours and 1 ms', 4 * HOUR + MS, true],
  ])('%s', (_name, unowned, expected) => {
    const l = ledger();
    l.opened('c', 'k', T - 10 * DAY);
    l.accepted('c', 'k', T - 10 * DAY + unowned, 'a');
    expect(caseAttrs(l.events).includes('unownedOver4h')).toBe(expected);
  });

  it('counts only the part inside the period, and a stretch still running up to the answer', () => {
    const straddling = ledger();
    straddling.opened('c', 'k', T - 90 * DAY - 2 * HOUR); // 2 h before the period, 3 h inside
    straddling.accepted('c', 'k', T - 90 * DAY + 3 * HOUR, 'a');
    expect(caseAttrs(straddling.events)).toEqual(['hadCase']);

    const running = ledger();
    running.opened('c', 'k', T - 5 * HOUR);
    expect(caseAttrs(running.events)).toContain('unownedOver4h');
    running.accepted('c', 'k', T - HOUR, 'a'); // owned after 4 hours exactly
    expect(caseAttrs(running.events)).not.toContain('unownedOver4h');
  });

  it('counts a pending request as unowned time', () => {
    const l = ledger();
    l.opened('c', 'k', T - 10 * DAY, { team: 'a' });
    l.requested('c', 'k', T - 10 * HOUR, 'a', 'b');
    expect(caseAttrs(l.events)).toEqual(['hadCase', 'hadStalledHandoff', 'unownedOver4h']);
  });
});

describe('firstContactResolution: every case resolved in the period had no handoff and no reopen, and there was one', () => {
  it('holds for a case resolved without a handoff', () => {
    const l = ledger();
    l.opened('c', 'k', T - 5 * DAY, { team: 'a' });
    l.resolved('c', 'k', T - 4 * DAY);
    expect(caseAttrs(l.events)).toEqual(['firstContactResolution', 'hadCase']);
  });

  it('fails when one of the resolved cases had a handoff', () => {
    const l = ledger();
    l.opened('c', 'k1', T - 5 * DAY, { team: 'a' });
    l.resolved('c', 'k1', T - 4 * DAY);
    l.opened('c', 'k2', T - 5 * DAY, { team: 'a' });
    l.requested('c', 'k2', T - 5 * DAY + HOUR, 'a', 'b');
    l.accepted('c', 'k2', T - 5 * DAY + 2 * HOUR, 'b');
    l.resolved('c', 'k2', T - 4 * DAY);
    expect(caseAttrs(l.events)).toEqual(['hadCase', 'hadHandoff']);
  });

  it('fails for a case reopened and resolved again', () => {
    const l = ledger();
    l.opened('c', 'k', T - 10 * DAY, { team: 'a' });
    l.resolved('c', 'k', T - 9 * DAY);
    l.reopened('c', 'k', T - 8 * DAY);
    l.resolved('c', 'k', T - 7 * DAY);
    expect(caseAttrs(l.events)).toEqual(['hadCase']);
  });

  it('needs a resolution: an open case, or one resolved then reopened by the answer, has none', () => {
    const open = ledger();
    open.opened('c', 'k', T - 5 * DAY, { team: 'a' });
    expect(caseAttrs(open.events)).toEqual(['hadCase']);

    const reopened = ledger();
    reopened.opened('c', 'k', T - 5 * DAY, { team: 'a' });
    reopened.resolved('c', 'k', T - 4 * DAY);
    reopened.reopened('c', 'k', T - DAY);
    expect(caseAttrs(reopened.events)).toEqual(['hadCase']);
  });

  it('ignores a case with a handoff resolved before the period', () => {
    const l = ledger();
    l.opened('c', 'old', T - 100 * DAY, { team: 'a' });
    l.accepted('c', 'old', T - 99 * DAY, 'b');
    l.resolved('c', 'old', T - 95 * DAY);
    l.opened('c', 'new', T - 5 * DAY, { team: 'a' });
    l.resolved('c', 'new', T - 4 * DAY);
    expect(caseAttrs(l.events)).toEqual(['firstContactResolution', 'hadCase']);
  });

  it('counts a resolution after the answer as none', () => {
    const l = ledger();
    l.opened('c', 'k', T - 5 * DAY, { team: 'a' });
    l.resolved('c', 'k', T + MS);
    expect(caseAttrs(l.events)).toEqual(['hadCase']);
  });
});

describe('slowResolution: a case resolved in the period took more than 72 hours from opened to resolved', () => {
  it.each([
    [
      '5 days',
      (l: L) => {
        l.opened('c', 'k', T - 10 * DAY, { team: 'a' });
        l.resolved('c', 'k', T - 5 * DAY);
      },
      true,
    ],
    [
      'exactly 72 hours',
      (l: L) => {
        l.opened('c', 'k', T - 10 * DAY, { team: 'a' });
        l.resolved('c', 'k', T - 10 * DAY + 72 * HOUR);
      },
      false,
    ],
    [
      '72 hours and 1 ms',
      (l: L) => {
        l.opened('c', 'k', T - 10 * DAY, { team: 'a' });
        l.resolved('c', 'k', T - 10 * DAY + 72 * HOUR + MS);
      },
      true,
    ],
    [
      'opened before the period, resolved in it after 99 days',
      (l: L) => {
        l.opened('c', 'k', T - 100 * DAY, { team: 'a' });
        l.resolved('c', 'k', T - DAY);
      },
      true,
    ],
    [
      'slow, but resolved before the period',
      (l: L) => {
        l.opened('c', 'k', T - 200 * DAY, { team: 'a' });
        l.resolved('c', 'k', T - 100 * DAY);
      },
      false,
    ],
    [
      'an orphan has no opening to measure from',
      (l: L) => {
        l.requested('c', 'k', T - 10 * DAY, 'a', 'b');
        l.resolved('c', 'k', T - DAY);
      },
      false,
    ],
    ['still open after 10 days: not resolved', (l: L) => l.opened('c', 'k', T - 10 * DAY, { team: 'a' }), false],
  ])('%s', (_name, build, expected) => {
    const l = ledger();
    build(l);
    expect(caseAttrs(l.events).includes('slowResolution')).toBe(expected);
  });
});

describe('followedUpAlert: a detractor or at_risk alert of the customer followed up in the period within the SLA', () => {
  const alert = (signal: string, raisedAt: number, followedUpAt: number | null, customerId = 'c'): AlertFollowUpFact => ({
    customerId,
    signal,
    raisedAt,
    followedUpAt,
  });
  it.each([
    ['a detractor alert followed up after 24 hours', [alert('detractor', T - 10 * DAY, T - 9 * DAY)], true],
    ['an at_risk alert followed up after 1 hour', [alert('at_risk', T - 10 * DAY, T - 10 * DAY + HOUR)], true],
    ['followed up after exactly 48 hours: within the SLA', [alert('detractor', T - 10 * DAY, T - 8 * DAY)], true],
    ['followed up after 48 hours and 1 ms', [alert('detractor', T - 10 * DAY, T - 8 * DAY + MS)], false],
    ['not followed up', [alert('detractor', T - 10 * DAY, null)], false],
    ['followed up after the answer', [alert('detractor', T - HOUR, T + HOUR)], false],
    ['followed up at the answer instant', [alert('detractor', T - HOUR, T)], true],
    ['followed up before the period', [alert('detractor', T - 92 * DAY, T - 91 * DAY)], false],
    ['another signal', [alert('ping_pong', T - 10 * DAY, T - 9 * DAY)], false],
    ["another customer's alert", [alert('detractor', T - 10 * DAY, T - 9 * DAY, 'someone-else')], false],
  ])('%s', (_name, followUps, expected) => {
    expect(attributesOf([], { followUps }).includes('followedUpAlert')).toBe(expected);
  });
});

describe('channel:<name>: each channel the customer reached the company on in the period', () => {
  it('counts inbound interactions and case openings, not outbound contacts or other periods', () => {
    const l = ledger();
    l.contact('c', T - 3 * DAY, 'phone');
    l.contact('c', T - 2 * DAY, 'phone');
    l.contact('c', T, 'chat');
    l.contact('c', T - DAY, 'email', 'outbound');
    l.contact('c', T - 91 * DAY, 'store');
    l.contact('c', T + MS, 'app');
    l.contact('someone-else', T - DAY, 'social');
    l.opened('c', 'k', T - 20 * DAY, { channel: 'letter', team: 'a' });
    expect(attributesOf(l.events)).toEqual(['channel:chat', 'channel:letter', 'channel:phone', 'hadCase']);
  });
});

describe('the churn outcome measures over the window [from, to)', () => {
  const from = T - 30 * DAY;
  const window = windowPeriod(from, T);

  it('counts what happens at from, not what happens at to', () => {
    const atFrom = ledger();
    atFrom.contact('c', from, 'phone');
    atFrom.opened('c', 'k', T, { team: 'a' });
    expect(attributesOf(atFrom.events, { period: window })).toEqual(['channel:phone']);
  });

  it('judges cases from the events before to', () => {
    const l = ledger();
    l.opened('c', 'k', from - 10 * DAY, { team: 'a' });
    l.resolved('c', 'k', T); // not before to: the case is still open at to
    l.requested('c', 'k2', from - 10 * DAY, 'a', 'b');
    l.resolved('c', 'k2', from); // resolved at from: in the window
    expect(attributesOf(l.events, { period: window })).toEqual(['firstContactResolution', 'hadCase']);
  });
});

describe('arrival order', () => {
  it('gives the same attributes whatever order the events came in', () => {
    const l = ledger();
    l.opened('c', 'k', T - 10 * DAY, { team: 'a', category: 'complaint', channel: 'chat' });
    l.requested('c', 'k', T - 9 * DAY, 'a', 'b');
    l.accepted('c', 'k', T - 9 * DAY + 6 * HOUR, 'b');
    l.requested('c', 'k', T - 8 * DAY, 'b', 'a');
    l.accepted('c', 'k', T - 8 * DAY + HOUR, 'a');
    l.resolved('c', 'k', T - 5 * DAY);
    l.opened('c', 'k2', T - 4 * DAY, { team: 'a' });
    l.resolved('c', 'k2', T - 4 * DAY + HOUR);
    l.contact('c', T - 3 * DAY, 'email');
    const expected = attributesOf(l.events);
    expect(expected).toEqual([
      'channel:chat',
      'channel:email',
      'channel:phone',
      'hadCase',
      'hadComplaint',
      'hadHandoff',
      'hadPingPong',
      'hadStalledHandoff',
      'slowResolution',
      'unownedOver4h',
    ]);
    for (let seed = 1; seed <= 20; seed++) expect(attributesOf(shuffled(l.events, seed))).toEqual(expected);
  });
});
