import { caseFacts } from '@cx/views';
import { LEDGER } from '@cx/views/testing';
import { caseEventRow, caseVersionRows } from './case-versions';
import type { LoyaltyCaseFactsTable } from './loyalty.tables';

/** The version rows must answer "the case at `to`" exactly as the pure fold of the events before `to`. */
describe('caseVersionRows', () => {
  const rows = LEDGER.map((e) => caseEventRow(e, e.customerId)).filter((r) => r !== undefined);
  const versions = [...new Set(rows.map((r) => r.case_id))].flatMap((caseId) => caseVersionRows(rows.filter((r) => r.case_id === caseId)));
  const versionAt = (caseId: string, to: number): LoyaltyCaseFactsTable | undefined =>
    versions.find((v) => v.case_id === caseId && v.since < to && (v.until === null || v.until >= to));

  const asFact = (v: LoyaltyCaseFactsTable) => ({
    caseId: v.case_id,
    customerId: v.customer_id,
    channel: v.channel,
    openedAt: v.opened_at,
    openTeam: v.open_team,
    handoffs: v.handoffs,
    reopens: v.reopens,
    lastResolvedAt: v.last_resolved_at,
    resolvedTeam: v.resolved_team,
    resolved: v.resolved === 1,
  });

  it('gives, for every cut-off around every case event, the fact caseFacts folds before it', () => {
    const cutOffs = [...new Set(rows.flatMap((r) => [r.time - 1, r.time, r.time + 1]))];
    for (const to of cutOffs) {
      const expected = caseFacts(LEDGER, to);
      const actual = [...new Set(rows.map((r) => r.case_id))].sort().flatMap((caseId) => {
        const version = versionAt(caseId, to);
        return version ? [asFact(version)] : [];
      });
      expect(actual).toEqual(expected);
    }
  });

  it('keeps one row per change: a case whose facts do not change between events has fewer rows than event times', () => {
    // K11: two handoff requests change no fact; K13 is resolved and reopened at the same instant.
    const k11 = versions.filter((v) => v.case_id === 'K11');
    expect(k11.map((v) => [new Date(v.since).toISOString(), v.handoffs, v.resolved])).toEqual([
      ['2026-03-18T09:00:00.000Z', 0, 0],
      ['2026-03-18T11:00:00.000Z', 1, 0],
      ['2026-03-18T12:00:00.000Z', 1, 1],
    ]);
    expect(versions.filter((v) => v.case_id === 'K13').map((v) => [v.resolved, v.reopens])).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });
});
