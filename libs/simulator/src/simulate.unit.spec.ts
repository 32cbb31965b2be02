import { CloudEvent, EVENT_TYPES, CHANNELS, LedgerEvent, validateCloudEvent } from '@cx/events';
import { caseView, evolveCase, initialCaseState, CaseState } from '@cx/views';
import { customerHint } from './customer-hint';
import { simulate, SimulationOptions } from './simulate';

const START = Date.parse('2025-01-01T00:00:00Z');
const DAY = 86_400_000;
const OPTIONS: SimulationOptions = { customers: 400, days: 365, seed: 7, start: START };
const events = [...simulate(OPTIONS)];
const keyOf = (e: CloudEvent) => `${e.source} ${e.id}`;
/** The simulator's ids are `sim-<seed>-<customer index>-<n>`: the index groups one person's events. */
const personOf = (e: CloudEvent) => Number(e.id.split('-')[2]);
const dataOf = (e: CloudEvent) => e.data as Record<string, any>;

describe('simulate', () => {
  it('gives the same events for the same seed, and others for another seed', () => {
    const again = [...simulate(OPTIONS)];
    expect(JSON.stringify(again)).toBe(JSON.stringify(events));
    const other = [...simulate({ ...OPTIONS, seed: 8 })];
    expect(JSON.stringify(other.slice(0, 50))).not.toBe(JSON.stringify(events.slice(0, 50)));
  });

  it('makes valid CloudEvents of every type a channel system may send, over every channel', () => {
    const now = START + 400 * DAY;
    const invalid = events.map((e) => validateCloudEvent(e, now)).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
    const types = new Set(events.map((e) => e.type));
    const channelTypes = EVENT_TYPES.filter((t) => t !== 'cx.customer.forgotten.v1' && t !== 'cx.customer.merged.v1');
    expect([...types].sort()).toEqual([...channelTypes].sort());
    expect(new Set(events.map((e) => dataOf(e).channel).filter(Boolean))).toEqual(new Set(CHANNELS));
  });

  it('keeps every time within [start, start + days] and never after now', () => {
    const times = events.map((e) => Date.parse(e.time));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(START);
    expect(Math.max(...times)).toBeLessThanOrEqual(START + 365 * DAY);
    const now = START + 100 * DAY + 12_345;
    const cut = [...simulate({ ...OPTIONS, customers: 100, now })].map((e) => Date.parse(e.time));
    expect(Math.max(...cut)).toBeLessThanOrEqual(now);
  });

  it('sends a share of events twice, unchanged, and a share late', () => {
    const seen = new Map<string, string>();
    let duplicates = 0;
    let late = 0;
    let latest = 0;
    for (const event of events) {
      const json = JSON.stringify(event);
      const earlier = seen.get(keyOf(event));
      if (earlier !== undefined) {
        expect(json).toBe(earlier);
        duplicates += 1;
      }
      seen.set(keyOf(event), json);
      const time = Date.parse(event.time);
      if (time < latest) late += 1;
      latest = Math.max(latest, time);
    }
    expect(duplicates / events.length).toBeGreaterThan(0.01);
    expect(duplicates / events.length).toBeLessThan(0.04);
    expect(late / events.length).toBeGreaterThan(0.01);
  });

  it('has prospects who never buy and repeat buyers', () => {
    const purchases = new Map<number, number>();
    for (const e of unique(events))
      if (e.type === 'cx.purchase.completed.v1') purchases.set(personOf(e), (purchases.get(personOf(e)) ?? 0) + 1);
    const people = new Set(events.map(personOf));
    expect(people.size - purchases.size).toBeGreaterThan(people.size * 0.15);
    expect([...purchases.values()].filter((n) => n >= 3).length).toBeGreaterThan(people.size * 0.15);
  });

  it('names some customers only by e-mail, phone or shop account, and later links some to an id', () => {
    const withoutId = events.filter((e) => !dataOf(e).customer.id);
    expect(withoutId.some((e) => dataOf(e).customer.email)).toBe(true);
    expect(withoutId.some((e) => dataOf(e).customer.phone)).toBe(true);
    expect(withoutId.some((e) => dataOf(e).customer.externalIds)).toBe(true);
    const firstEvent = new Map<number, CloudEvent>();
    for (const e of events) {
      const known = firstEvent.get(personOf(e));
      if (!known || Date.parse(e.time) < Date.parse(known.time)) firstEvent.set(personOf(e), e);
    }
    const startedAnonymous = new Set([...firstEvent].filter(([, e]) => !dataOf(e).customer.id).map(([person]) => person));
    const linkedLater = new Set(
      events.filter((e) => startedAnonymous.has(personOf(e)) && dataOf(e).customer.id && dataOf(e).customer.email).map(personOf),
    ).size;
    expect(linkedLater).toBeGreaterThan(5);
  });

  it('has explicit churn, and customers who buy again after churning (win-back)', () => {
    const churned = new Map<number, number>();
    for (const e of unique(events)) if (e.type === 'cx.customer.churned.v1') churned.set(personOf(e), Date.parse(e.time));
    expect(churned.size).toBeGreaterThan(3);
    const wonBack = unique(events).filter(
      (e) => e.type === 'cx.purchase.completed.v1' && churned.has(personOf(e)) && Date.parse(e.time) > (churned.get(personOf(e)) as number),
    );
    expect(new Set(wonBack.map(personOf)).size).toBeGreaterThan(0);
  });

  it('scores NPS lower after a complaint', () => {
    const sorted = unique(events).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    const lastComplaint = new Map<number, number>();
    const after: number[] = [];
    const otherwise: number[] = [];
    for (const e of sorted) {
      const time = Date.parse(e.time);
      if (e.type === 'cx.case.opened.v1' && dataOf(e).category === 'complaint') lastComplaint.set(personOf(e), time);
      if (e.type !== 'cx.survey.answered.v1' || dataOf(e).survey !== 'nps') continue;
      const complaint = lastComplaint.get(personOf(e));
      (complaint !== undefined && time - complaint <= 90 * DAY ? after : otherwise).push(dataOf(e).score);
    }
    expect(after.length).toBeGreaterThan(10);
    expect(mean(after)).toBeLessThan(mean(otherwise) - 1.5);
  });

  it('answers surveys in believable ranges', () => {
    const scores = (survey: string) =>
      unique(events)
        .filter((e) => e.type === 'cx.survey.answered.v1' && dataOf(e).survey === survey)
        .map((e) => dataOf(e).score as number);
    const nps = scores('nps');
    const npsScore = (100 * (nps.filter((s) => s >= 9).length - nps.filter((s) => s <= 6).length)) / nps.length;
    const csat = scores('csat');
    const satisfied = (100 * csat.filter((s) => s >= 4).length) / csat.length;
    const ces = mean(scores('ces'));
    process.stdout.write(`simulated NPS ${npsScore.toFixed(1)}, CSAT ${satisfied.toFixed(1)} %, CES ${ces.toFixed(2)}\n`);
    expect(npsScore).toBeGreaterThan(-30);
    expect(npsScore).toBeLessThan(50);
    expect(satisfied).toBeGreaterThan(55);
    expect(satisfied).toBeLessThan(90);
    expect(ces).toBeGreaterThan(4);
    expect(ces).toBeLessThan(6.2);
  });

  it('moves cases between teams with ping-pongs, misroutes, takeovers, supersedes and stalls', () => {
    const flags = caseFlags(unique(events), START + 365 * DAY);
    for (const flag of ['pingPong', 'misrouted', 'takeover', 'superseded', 'stalled']) expect(flags.get(flag) ?? 0).toBeGreaterThan(0);
    expect(flags.get('ownerless') ?? 0).toBeGreaterThan(0);
  });

  it('has referrals and profiles with segments', () => {
    expect(events.filter((e) => e.type === 'cx.customer.referred.v1' && dataOf(e).referred).length).toBeGreaterThan(0);
    const segments = new Set(events.filter((e) => e.type === 'cx.customer.profiled.v1').map((e) => dataOf(e).segment));
    expect(segments.size).toBeGreaterThanOrEqual(4);
  });

  it('is a stream: the first events come before the rest are made', () => {
    const stream = simulate({ ...OPTIONS, customers: 3000, days: 3650 });
    const first = stream.next();
    expect(first.done).toBe(false);
    expect(Date.parse((first.value as CloudEvent).time)).toBeLessThan(START + DAY);
  });

  it('gives a partition key from the customer reference', () => {
    expect(customerHint({ data: { customer: { id: 'C1', email: 'a@b.c' } } } as unknown as CloudEvent)).toBe('id:C1');
    expect(customerHint({ data: { customer: { email: ' A@B.c ' } } } as unknown as CloudEvent)).toBe('email:a@b.c');
    expect(customerHint({ data: { customer: { externalIds: { shop: 'S1' } } } } as unknown as CloudEvent)).toBe('ext:shop:S1');
  });

  it('refuses a window that makes no sense', () => {
    expect(() => simulate({ ...OPTIONS, days: 0 }).next()).toThrow(RangeError);
    expect(() => simulate({ ...OPTIONS, now: START - 1 }).next()).toThrow(RangeError);
  });
});

function unique(list: CloudEvent[]): CloudEvent[] {
  const seen = new Set<string>();
  return list.filter((e) => !seen.has(keyOf(e)) && Boolean(seen.add(keyOf(e))));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Folds the simulated case events through the case view (SPEC §2.3) and counts the flags it finds. */
function caseFlags(list: CloudEvent[], asOf: number): Map<string, number> {
  const cases = new Map<string, CaseState>();
  list.forEach((e, position) => {
    const caseId = dataOf(e).caseId as string | undefined;
    if (!caseId || !e.type.startsWith('cx.case.')) return;
    const ledgerEvent = {
      ...e,
      position: position + 1,
      time: Date.parse(e.time),
      customerId: String(personOf(e)),
    } as unknown as LedgerEvent;
    cases.set(caseId, evolveCase(cases.get(caseId) ?? initialCaseState(caseId), ledgerEvent));
  });
  const counts = new Map<string, number>();
  const count = (flag: string) => counts.set(flag, (counts.get(flag) ?? 0) + 1);
  for (const state of cases.values()) {
    const view = caseView(state, asOf);
    if (!view) continue;
    view.handoffs.forEach((h) => h.flags.forEach(count));
    view.flags.forEach(count);
    if (view.status === 'open' && !view.owner) count('ownerless');
  }
  return counts;
}
