import type { AnyLedgerEvent } from '@cx/events';
import { evolveCustomer, foldCustomer, initialCustomerState } from './customer-state';
import { CUSTOMER, day, EventMaker } from './lifecycle.fixtures';

/** Freezes the state deeply, so a fold that mutates its input throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('evolveCustomer', () => {
  let make: EventMaker;
  let story: AnyLedgerEvent[];
  beforeEach(() => {
    make = new EventMaker();
    story = [
      make.interaction(day(0), 'chat'),
      make.purchase(day(1), 2500, 'EUR'),
      make.survey(day(2), 'csat', 4),
      make.caseOpened(day(3), 'k1'),
      make.event('cx.case.handoff.requested.v1', day(3), { caseId: 'k1', fromTeam: 'support', toTeam: 'billing' }),
      make.caseResolved(day(4), 'k1'),
      make.referral(day(5)),
      make.profiled(day(6), 'gold'),
      make.churn(day(7)),
    ];
  });

  it('keeps the facts sorted by time then position, whatever the arrival order', () => {
    const late = make.purchase(day(0) + 5); // appended last, happened early
    const state = foldCustomer(CUSTOMER, [...story, late]);
    expect(state.purchases.map((p) => p.time)).toEqual([day(0) + 5, day(1)]);
    expect(foldCustomer(CUSTOMER, [late, ...story].reverse())).toEqual(state);
  });

  it('ignores an event folded a second time (same position)', () => {
    const once = foldCustomer(CUSTOMER, story);
    for (const event of story) expect(evolveCustomer(once, event)).toBe(once);
  });

  it('does not mutate the state it is given', () => {
    const before = deepFreeze(foldCustomer(CUSTOMER, story.slice(0, 4)));
    const snapshot = JSON.parse(JSON.stringify(before));
    expect(() => story.slice(4).reduce(evolveCustomer, before)).not.toThrow();
    expect(before).toEqual(snapshot);
  });

  it('is plain JSON: a round trip gives an equal state', () => {
    const state = foldCustomer(CUSTOMER, story);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(JSON.stringify(JSON.parse(JSON.stringify(state)))).toBe(JSON.stringify(state));
  });

  it('keeps no personal data (comments, summaries, names)', () => {
    const state = foldCustomer(CUSTOMER, [
      make.event('cx.survey.answered.v1', day(1), { survey: 'nps', score: 9, comment: 'SECRET-COMMENT' }),
      make.event('cx.interaction.recorded.v1', day(1), { channel: 'phone', direction: 'inbound', summary: 'SECRET-SUMMARY' }),
      make.event('cx.customer.profiled.v1', day(1), { name: 'SECRET-NAME', segment: 'gold' }),
    ]);
    expect(JSON.stringify(state)).not.toMatch(/SECRET/);
  });

  it('merged and forgotten events change nothing', () => {
    const state = foldCustomer(CUSTOMER, story);
    const merged = make.event('cx.customer.merged.v1', day(9), { into: { id: 'c-2' } });
    const forgotten = make.event('cx.customer.forgotten.v1', day(9), {});
    expect(evolveCustomer(evolveCustomer(state, merged), forgotten)).toBe(state);
  });

  it('folds events of a merged anon customer like its own', () => {
    const anon = new EventMaker('anon-0123456789abcdef');
    const state = evolveCustomer(initialCustomerState(CUSTOMER), anon.purchase(day(1)));
    expect(state.customerId).toBe(CUSTOMER);
    expect(state.purchases).toHaveLength(1);
  });

  it('stores a profile without a segment without an undefined key', () => {
    const state = foldCustomer(CUSTOMER, [make.profiled(day(1))]);
    expect(Object.keys(state.profiles[0])).toEqual(['time', 'position']);
  });
});

describe('mergeCustomerStates', () => {
  it('gives the state of folding both histories under the named customer, in any order', () => {
    const { foldCustomer: fold, mergeCustomerStates: merge } = jest.requireActual<typeof import('./customer-state')>('./customer-state');
    const event = (position: number, time: number, type: string, data: Record<string, unknown>) =>
      ({
        position,
        time,
        recordedAt: time,
        type,
        data,
        id: `e${position}`,
        source: '/t',
        streamId: 's',
        revision: 0,
        customerId: 'x',
      }) as never;
    const anon = [
      event(1, 10, 'cx.purchase.completed.v1', { orderId: 'o1', amountMinor: 5, currency: 'EUR', channel: 'web' }),
      event(3, 30, 'cx.interaction.recorded.v1', { channel: 'chat' }),
    ];
    const named = [
      event(2, 20, 'cx.purchase.completed.v1', { orderId: 'o2', amountMinor: 7, currency: 'EUR', channel: 'store' }),
      event(4, 5, 'cx.customer.referred.v1', {}),
    ];
    const merged = merge(fold('C1', named), fold('anon-1', anon));
    expect(merged).toEqual(fold('C1', [...anon, ...named]));
    expect(merge(merged, fold('anon-1', anon))).toEqual(merged);
  });
});
