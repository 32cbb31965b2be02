import type { Kysely } from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import { caseStates, contactFacts, DEFAULT_CASE_SETTINGS } from '@cx/views';
import { canonicalIdsOf } from '@cx/views/testing';
import { ProjectionSpecification } from '../testing/projection-specification';
import { randomLedger } from '../testing/random-ledger';
import { answerFlags } from './answer-flags';
import { DriversProjection } from './drivers.projection';
import { ANSWER_FLAG_COLUMNS, type DriversTables } from './drivers.tables';

/**
 * The drivers projection keeps, for every NPS and CSAT answer, the attributes the pure rules
 * give over the customer's whole ledger: whatever the batching, with late events (case events
 * before an answer they change), cases shared by two customers, and merges (chained too).
 */

const SLA = DEFAULT_CASE_SETTINGS.handoffAcceptanceSlaMs;
const FLAG_COLUMNS = Object.values(ANSWER_FLAG_COLUMNS);

function expectedRows(ledger: readonly AnyLedgerEvent[]) {
  const canonical = canonicalIdsOf(ledger);
  const events = ledger.map((e) => ({ ...e, customerId: canonical(e.customerId) }));
  const cases = caseStates(events);
  const contacts = contactFacts(events);
  return events
    .flatMap((e) => (e.type === 'cx.survey.answered.v1' && e.data.survey !== 'ces' ? [e] : []))
    .map((e) => ({
      position: e.position,
      customer_id: e.customerId,
      time: e.time,
      ...answerFlags(e.customerId, e.time, cases, contacts, SLA),
    }))
    .sort((a, b) => a.position - b.position);
}

describe('DriversProjection', () => {
  const spec = ProjectionSpecification.for(new DriversProjection(DEFAULT_CASE_SETTINGS));

  /** The answers' rows as the pure rules state them: numbers as numbers, whatever the store returns. */
  async function answerRows(db: Kysely<DriversTables>) {
    const rows = await db
      .selectFrom('driver_answers')
      .select(['position', 'customer_id', 'time', ...FLAG_COLUMNS])
      .orderBy('position')
      .execute();
    return rows.map((r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'customer_id' ? v : Number(v)])),
    );
  }

  it.each([[20260301], [7], [424242]])('holds the pure flags of every answer (seed %i), whatever the batches', async (seed) => {
    const ledger = randomLedger(1500, seed);
    const expected = expectedRows(ledger);
    // The ledger is worth the name: answers with case attributes and channels, some rewritten by late events.
    expect(expected.filter((r) => r.had_case === 1).length).toBeGreaterThan(20);
    expect(expected.filter((r) => r.had_handoff === 1 && r.had_case === 1).length).toBeGreaterThan(5);
    expect(expected.filter((r) => r.channel_phone === 1).length).toBeGreaterThan(20);
    const holdsExpected = async (db: Kysely<DriversTables>) => expect(await answerRows(db)).toEqual(expected);
    await spec.when(...ledger).then(holdsExpected, () => 1 + Math.floor(Math.random() * 60));
    await spec.when(...ledger).then(holdsExpected, () => 1);
  });
});
