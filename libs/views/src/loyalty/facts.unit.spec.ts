import { orderFacts, referralFacts, surveyFacts } from './facts';
import { LEDGER, ledgerBuilder } from './loyalty.fixtures';

describe('fact extraction', () => {
  it('takes one survey fact per answer, missing fields as null, in time order', () => {
    const facts = surveyFacts(LEDGER);
    expect(facts).toHaveLength(13 + 8 + 9); // N1..N13, C1..C8, E1..E9
    expect(facts.map((f) => f.time)).toEqual([...facts.map((f) => f.time)].sort((a, b) => a - b));
    const n7 = facts.find((f) => f.customerId === 'hank' && f.survey === 'nps');
    expect(n7).toEqual({
      customerId: 'hank',
      survey: 'nps',
      score: 0,
      time: Date.parse('2026-03-08T10:00:00Z'),
      channel: null,
      team: 'tech',
      caseId: null,
      position: n7?.position,
    });
    expect(facts.find((f) => f.caseId === 'K3')).toMatchObject({ customerId: 'carol', survey: 'csat', score: 4 });
  });

  it('takes one referral fact per referral, without the referred person', () => {
    const facts = referralFacts(LEDGER);
    expect(facts).toHaveLength(5);
    expect(facts[0]).toEqual({ customerId: 'gina', channel: 'web', time: Date.parse('2026-02-20T09:00:00Z'), position: facts[0].position });
  });

  it('keeps the earliest completion of an orderId, whatever arrived first', () => {
    const { events, add } = ledgerBuilder();
    add('cx.purchase.completed.v1', 'a', '2026-03-02T10:00:00Z', { orderId: 'X', amountMinor: 200, currency: 'EUR', channel: 'web' });
    add('cx.purchase.completed.v1', 'a', '2026-03-01T10:00:00Z', { orderId: 'X', amountMinor: 100, currency: 'EUR', channel: 'web' });
    add('cx.purchase.completed.v1', 'a', '2026-03-01T10:00:00Z', { orderId: 'Y', amountMinor: 7, currency: 'USD', channel: 'app' });
    const facts = orderFacts(events);
    expect(facts.map((f) => [f.orderId, f.amountMinor])).toEqual([
      ['X', 100],
      ['Y', 7],
    ]);
    expect(orderFacts([...events].reverse())).toEqual(facts);
  });

  it('takes the 17 orders of the hand-built ledger', () => {
    expect(orderFacts(LEDGER)).toHaveLength(17);
  });
});
