import type { CaseEventFact, CaseState } from '@cx/views';
import { RecentCaseStates } from './recent-case-states';

const opened: CaseEventFact = { position: 1, time: 1_000, type: 'cx.case.opened.v1', customerId: 'c1', team: 'a', category: 'inquiry' };
const resolved: CaseEventFact = { position: 5, time: 2_000, type: 'cx.case.resolved.v1', customerId: 'c1' };
const stateOf = (caseId: string, ...events: CaseEventFact[]): CaseState => ({ caseId, events: events.map((e) => ({ ...e })) });

describe('RecentCaseStates', () => {
  it('hands out the kept state when the case is read again with the same facts', () => {
    const recent = new RecentCaseStates();
    const first = recent.reuse(stateOf('k1', opened, resolved));
    expect(recent.reuse(stateOf('k1', opened, resolved))).toBe(first);
  });

  it('keeps the state read now when a fact differs: an event more, another customer (a merge), another team', () => {
    const recent = new RecentCaseStates();
    const first = recent.reuse(stateOf('k1', opened));
    for (const changed of [
      stateOf('k1', opened, resolved),
      stateOf('k1', { ...opened, customerId: 'c2' }, resolved),
      stateOf('k1', { ...opened, customerId: 'c2', team: 'b' }, resolved),
    ]) {
      const handed = recent.reuse(changed);
      expect(handed).toBe(changed);
      expect(handed).not.toBe(first);
    }
  });

  it('forgets the least recently read cases beyond its capacity, and keeps the recent ones', () => {
    const recent = new RecentCaseStates();
    recent.reuse(stateOf('k0', opened));
    for (let i = 1; i <= 10_000; i++) recent.reuse(stateOf(`k${i}`, opened));
    const recentOne = recent.reuse(stateOf('k10000', opened));
    const again = stateOf('k0', opened);
    expect(recent.reuse(again)).toBe(again);
    expect(recent.reuse(stateOf('k10000', opened))).toBe(recentOne);
  });
});
