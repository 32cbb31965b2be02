import { DEFAULT_CASE_SETTINGS } from '@cx/views';
import { at, eventFactory, foldCase } from '@cx/views/testing';
import { caseRows } from './case-rows';
import { present } from '@cx/views/testing';

/** The rows the cases projection writes for SQL users; times are minutes after T0 (see case-test-kit). */

const rowsOf = (events: Parameters<typeof foldCase>[1]) => present(caseRows(foldCase('c1', events), DEFAULT_CASE_SETTINGS));

describe('case rows', () => {
  it('close each request when it stops pending: accepted, superseded, cancelled; a takeover at its acceptance', () => {
    const e = eventFactory();
    const rows = rowsOf([
      e.opened('c1', at(0), 'billing'),
      e.requested('c1', at(10), 'billing', 'tech'),
      e.requested('c1', at(20), 'billing', 'sales'), // supersedes the first
      e.accepted('c1', at(50), 'sales'),
      e.accepted('c1', at(60), 'field'), // takeover
      e.requested('c1', at(70), 'field', 'tech'),
      e.resolved('c1', at(80)), // cancels the last request
    ]);
    expect(rows.handoffs.map((h) => [h.outcome, h.requested_at, h.closed_at, h.superseded, h.takeover])).toEqual([
      ['superseded', at(10), at(20), true, false],
      ['accepted', at(20), at(50), false, false],
      ['accepted', null, at(60), false, true],
      ['cancelled', at(70), at(80), false, false],
    ]);
  });

  it('leave a pending request open', () => {
    const e = eventFactory();
    const rows = rowsOf([e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech'), e.opened('c1', at(15), 'x')]);
    expect(rows.handoffs.map((h) => [h.outcome, h.closed_at])).toEqual([['pending', null]]);
    expect(rows.case).toMatchObject({ status: 'open', owner_team: null, pending_team: 'tech', opened_at: at(0), orphan: false });
  });

  it('hold one row per resolution, with its team even when a reopen follows in the same millisecond', () => {
    const e = eventFactory();
    const rows = rowsOf([
      e.opened('c1', at(0), 'tech'),
      e.resolved('c1', at(10), 'billing'), // owner tech wins
      e.reopened('c1', at(10)),
      e.resolved('c1', at(10), 'sales'), // tech still owns it
      e.resolved('c1', at(30), 'sales'), // a repeat: no row
    ]);
    expect(rows.resolutions.map((r) => [r.resolved_at, r.team, r.reopened_at])).toEqual([
      [at(10), 'tech', at(10)],
      [at(10), 'tech', null],
    ]);
    expect(rows.case).toMatchObject({ status: 'resolved', resolved_by: 'tech', reopen_count: 1 });
  });

  it('number ownership stretches in time order, unowned ones with a null team', () => {
    const e = eventFactory();
    const rows = rowsOf([e.opened('c1', at(0)), e.accepted('c1', at(30), 'field'), e.resolved('c1', at(60))]);
    expect(rows.ownership.map((o) => [o.seq, o.team, o.started_at, o.ended_at])).toEqual([
      [1, null, at(0), at(30)],
      [2, 'field', at(30), at(60)],
    ]);
  });

  it("keep an orphan on the first event's customer until an opening counts", () => {
    let customer = 'stray';
    const e = eventFactory(() => customer);
    const accepted = e.accepted('c1', at(5), 'tech');
    customer = 'opener';
    const rows = rowsOf([accepted, e.opened('c1', at(20), 'billing')]);
    expect(rows.case).toMatchObject({
      customer_id: 'opener',
      first_customer_id: 'stray',
      started_at: at(5),
      opened_at: at(20),
      orphan: false,
    });
  });
});
