import type { AnyLedgerEvent, CloudEvent } from '@cx/events';
import {
  caseStates,
  contactFacts,
  DEFAULT_DRIVER_SETTINGS,
  DEFAULT_LIFECYCLE_SETTINGS,
  driversReport,
  foldCustomer,
  orderFacts,
  segmentFacts,
  stageAt,
  surveyFacts,
  type DriverBlock,
  type DriverOutcome,
  type StageOf,
} from '@cx/views';
import { simulate } from './simulate';
import { present } from '@cx/views/testing';

/**
 * SPEC §2.5 on simulated journeys: the key drivers report finds what the simulator puts in
 * (driver-effects.ts). The same seed is simulated with the driver effects on and off: the
 * difference the report shows is what the effects put in (customers with bad experiences
 * differ from the others even without them: they are more often in touch, and complain).
 * Customers are the simulated people, as identity resolution and merges make them.
 */

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const DAYS = 540;
const FROM = START + 360 * DAY;
const TO = START + DAYS * DAY;
const BAD_EXPERIENCES = ['hadPingPong', 'unownedOver4h', 'slowResolution'] as const;

function ledgerOf(events: Iterable<CloudEvent>): AnyLedgerEvent[] {
  const seen = new Set<string>();
  const ledger: AnyLedgerEvent[] = [];
  for (const e of events) {
    const key = `${e.source} ${e.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const person = e.id.split('-')[2];
    ledger.push({
      ...e,
      position: ledger.length + 1,
      streamId: person,
      revision: 0,
      customerId: person,
      time: Date.parse(e.time),
      recordedAt: 0,
    } as unknown as AnyLedgerEvent);
  }
  return ledger;
}

/** The NPS and churn blocks over the last 180 days of a simulation. */
function findings(driverEffects: boolean): Record<'nps' | 'churn', DriverBlock> {
  const ledger = ledgerOf(simulate({ customers: 2500, days: DAYS, seed: 'drivers', start: START, driverEffects }));
  const facts = {
    answers: surveyFacts(ledger),
    orders: orderFacts(ledger),
    cases: caseStates(ledger),
    contacts: contactFacts(ledger),
    followUps: [],
    segments: segmentFacts(ledger),
  };
  const byCustomer = new Map<string, AnyLedgerEvent[]>();
  for (const e of ledger) byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), e]);
  const stageOf: StageOf = (id, at) =>
    stageAt(
      foldCustomer(
        id,
        (byCustomer.get(id) ?? []).filter((e) => e.time < at),
      ),
      at,
      DEFAULT_LIFECYCLE_SETTINGS,
    );
  const block = (outcome: DriverOutcome): DriverBlock => {
    const report = driversReport(facts, { from: FROM, to: TO, outcome, stageOf, settings: DEFAULT_DRIVER_SETTINGS });
    if (report.groupBy !== null) throw new Error('ungrouped');
    return report;
  };
  return { nps: block('nps'), churn: block('churn') };
}

const impact = (block: DriverBlock, attribute: string): number =>
  present(present(block.drivers.find((d) => d.attribute === attribute)).impact);

describe('the simulator makes drivers real (SPEC §2.5)', () => {
  const on = findings(true);
  const off = findings(false);

  it('prints what the report finds with the effects and without', () => {
    const rows = (outcome: 'nps' | 'churn') =>
      BAD_EXPERIENCES.map(
        (a) =>
          `  ${a}: impact ${impact(on[outcome], a)} (share ${present(on[outcome].drivers.find((d) => d.attribute === a)).share}) vs ${impact(off[outcome], a)} without the effects`,
      );
    process.stdout.write(
      `NPS ${JSON.stringify(on.nps.overall)}\n${rows('nps').join('\n')}\nchurn ${JSON.stringify(on.churn.overall)}\n${rows('churn').join('\n')}\n`,
    );
    expect(on.nps.overall).not.toEqual(off.nps.overall);
  });

  it.each(BAD_EXPERIENCES)('finds %s lowering NPS and raising churn', (attribute) => {
    expect(impact(on.nps, attribute) - impact(off.nps, attribute)).toBeLessThan(-5);
    expect(impact(on.churn, attribute)).toBeGreaterThan(3);
    expect(impact(on.churn, attribute) - impact(off.churn, attribute)).toBeGreaterThan(5);
  });
});
