import { DEFAULT_CASE_SETTINGS } from '../cases/case-settings';
import { caseStates } from './driver-facts';
import { answerPeriod, firstInstant, lastInstant, windowPeriod, type Period } from './driver-period';
import { caseExperience, dormantExperience, replayedExperience, wholeCase } from './case-experience';
import { DAY, HOUR, ledger, T } from './drivers-test-kit';
import { seededRandom } from '../testing/seeded-random';

const SLA = DEFAULT_CASE_SETTINGS.handoffAcceptanceSlaMs;

/** Cases of a few events each over about a month: handoffs (some slow, some pending), resolutions, reopens, other customers. */
function randomCases(seed: number) {
  const random = seededRandom(seed);
  const pick = <V>(values: readonly V[]): V => values[Math.floor(random() * values.length)];
  const at = () => T - Math.floor(random() * 30 * DAY);
  const book = ledger();
  for (let c = 0; c < 120; c++) {
    const caseId = `k${c}`;
    const customer = () => pick(['c1', 'c1', 'c1', 'c2']);
    const moves = [
      () => book.opened(customer(), caseId, at(), { category: pick(['complaint', 'inquiry']), team: pick(['a', 'b', undefined]) }),
      () => book.requested(customer(), caseId, at(), pick(['a', 'b']), pick(['b', 'c'])),
      () => book.accepted(customer(), caseId, at(), pick(['a', 'b', 'c'])),
      () => book.resolved(customer(), caseId, at(), pick(['a', undefined])),
      () => book.reopened(customer(), caseId, at()),
    ];
    for (let i = 1 + Math.floor(random() * 7); i > 0; i--) pick(moves)();
    if (random() < 0.6) book.resolved(customer(), caseId, at() + 40 * DAY);
  }
  const periods: Period[] = [];
  for (let i = 0; i < 30; i++) {
    const t = at() + Math.floor(random() * 45 * DAY);
    periods.push(answerPeriod(t), windowPeriod(t - Math.floor(random() * 20 * DAY), t + pick([0, 1, HOUR])));
  }
  // Periods that begin or end right at an event, where the boundaries decide.
  for (let i = 0; i < 15; i++) {
    const time = pick(book.events).time;
    for (const edge of [-1, 0, 1]) periods.push(answerPeriod(time + edge), answerPeriod(time + edge + 90 * DAY));
    for (const edge of [-1, 0, 1]) periods.push(windowPeriod(time + edge, time + 20 * DAY), windowPeriod(time - 20 * DAY, time + edge));
  }
  return { cases: caseStates(book.events), periods };
}

describe('caseExperience', () => {
  it.each([[1], [20260301], [99]])(
    'is the replay up to the period’s end for every case and period, settled cases looked up (seed %i)',
    (seed) => {
      const { cases, periods } = randomCases(seed);
      let settledSeen = 0;
      const differing: unknown[] = [];
      for (const period of periods)
        for (const state of cases) {
          const replayed = replayedExperience(state, period, SLA);
          if (replayed?.resolved) settledSeen += 1;
          const looked = caseExperience(state, period, SLA);
          if (JSON.stringify(looked) !== JSON.stringify(replayed)) differing.push({ caseId: state.caseId, period, looked, replayed });
        }
      expect(differing).toEqual([]);
      // The cases are worth the name: many were resolved inside some period, a part of them after handoffs.
      expect(settledSeen).toBeGreaterThan(100);
    },
  );
});

describe('wholeCase', () => {
  it.each([[1], [20260301], [99]])(
    'is what every period holding the case sees, and an open one is dormant for every period after it (seed %i)',
    (seed) => {
      const { cases, periods } = randomCases(seed);
      const seen = { whole: 0, dormant: 0, running: 0 };
      const differing: unknown[] = [];
      for (const state of cases) {
        const whole = wholeCase(state, SLA);
        if (!whole) {
          seen.running += 1;
          continue;
        }
        for (const period of periods) {
          const replayed = replayedExperience(state, period, SLA);
          const holds = firstInstant(period) <= whole.from && whole.to <= lastInstant(period);
          const after = whole.to < firstInstant(period) && whole.experience.resolved === null;
          const expected = holds ? whole.experience : after ? dormantExperience(whole.experience) : undefined;
          if (holds) seen.whole += 1;
          if (after) seen.dormant += 1;
          if (expected !== undefined && JSON.stringify(expected) !== JSON.stringify(replayed))
            differing.push({ caseId: state.caseId, period, expected, replayed });
        }
      }
      expect(differing).toEqual([]);
      // Each kind is met: cases held whole by some period, open ones quiet before one, and cases still running.
      expect(Math.min(seen.whole, seen.dormant, seen.running)).toBeGreaterThan(5);
    },
  );
});
