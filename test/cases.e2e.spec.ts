import { caseView, handoffReport } from '@cx/views';
import { HANDOFF_DATASET_REPORT, handoffDataset, WINDOW, foldCases } from '@cx/views/testing';
import {
  asCloudEvent,
  at,
  caseEvents,
  CaseServer,
  caseViewAsJson,
  describeEachViewStore,
  iso,
  reportAsJson,
  shuffled,
  startCaseServer,
  storedAs,
} from './support/cases-harness';
import { stopIfStarted } from '@cx/event-store/testing';

/**
 * SPEC §2.3 through HTTP, on each view store: every rule on its own with expectations
 * worked out by hand, the hand-checked dataset (libs/views/src/cases/handoff-dataset.ts)
 * arriving in a shuffled order, medians of even and odd counts, the SLA boundary, JSON and
 * CSV, and the pure views as an oracle. Times are minutes after 2026-03-02T00:00Z.
 */

const HOUR = 60;
const DAY = 24 * HOUR;
const SLA = 4 * HOUR;
const report = (server: CaseServer, from: number, to: number, headers?: Record<string, string>) =>
  server.get(`/v1/reports/handoffs?from=${iso(from)}&to=${iso(to)}`, headers);
const caseAt = (server: CaseServer, caseId: string, asOf: number) => server.get(`/v1/cases/${caseId}?asOf=${iso(asOf)}`);
const acceptedWithoutFlags = { outcome: 'accepted', flags: [] };

/** The report over the dataset, worked out by hand (see libs/views/src/cases/handoff-dataset.ts), in the API's JSON shape. */
const DATASET_REPORT = reportAsJson(HANDOFF_DATASET_REPORT);

describeEachViewStore('the hand-checked dataset over HTTP', (store) => {
  let server: CaseServer;
  const dataset = handoffDataset();
  const posted = shuffled(dataset, 7).map((event) => asCloudEvent(event, `dataset-${store}`));
  let stored: ReturnType<typeof storedAs>;

  beforeAll(async () => {
    server = await startCaseServer(store);
    // Shuffled, in small batches: late events (an acceptance before its request) take their place by time.
    stored = storedAs(posted, await server.post(posted, 7));
  });
  afterAll(async () => stopIfStarted(server, (it) => it.close()));

  it('holds at least 40 case events across 5 teams', () => {
    const caseEventsPosted = posted.filter((event) => event.type.startsWith('cx.case.'));
    expect(caseEventsPosted.length).toBeGreaterThanOrEqual(40);
    expect(DATASET_REPORT.teams.filter((row) => row.team !== 'unknown')).toHaveLength(5);
  });

  it('answers the report worked out by hand, whatever order the events arrived in', async () => {
    const answer = await report(server, WINDOW.from, WINDOW.to);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(DATASET_REPORT);
  });

  it('answers the same report as CSV: one table, one block per section', async () => {
    const answer = await report(server, WINDOW.from, WINDOW.to, { accept: 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/csv');
    const lines = (answer.body as string).trimEnd().split('\r\n');
    const window = '2026-03-02T01:00:00.000Z,2026-03-02T12:00:00.000Z';
    expect(lines[0]).toBe(
      'block,from,to,team,fromTeam,toTeam,caseId,customerId,unownedSince,pendingTeam,handoffsOut,handoffsIn,count,handoffs,medianMinutesToAccept,stalledNow,openOwned,pingPongs,resolved,unownedHours',
    );
    expect(lines).toHaveLength(1 + 6 + 9 + 4 + 1);
    expect(lines[1]).toBe(`team,${window},billing,,,,,,,2,1,,,15.1,0,1,0,0,`);
    expect(lines[4]).toBe(`team,${window},sales,,,,,,,6,2,,,40,0,0,0,0,`);
    expect(lines[7]).toBe(`matrix,${window},,billing,tech,,,,,,,1,,30,,,,,`);
    expect(lines[10]).toBe(`matrix,${window},,retention,sales,,,,,,,1,,,,,,,`);
    expect(lines[16]).toBe(`ownerless,${window},,,,C14,cust-C14,2026-03-02T01:00:00.000Z,retention,,,,,,,,,,`);
    expect(lines[20]).toBe(`totals,${window},,,,,,,,,,,10,42.6,,,,,31.92`);
  });

  it('shows each case as the rules say at `to`', async () => {
    const view = async (caseId: string) => (await caseAt(server, caseId, WINDOW.to)).body;
    expect((await view('C3')).handoffs.map((h: any) => [h.toTeam, h.acceptedBy, h.minutesToAccept, h.flags])).toEqual([
      ['billing', null, null, ['superseded']],
      ['retention', 'billing', 15.1, ['misrouted']],
    ]);
    expect((await view('C4')).handoffs.map((h: any) => [h.fromTeam, h.toTeam, h.minutesToAccept, h.flags])).toEqual([
      ['retention', 'sales', null, ['takeover']],
      ['sales', 'retention', null, ['takeover', 'pingPong']],
    ]);
    expect((await view('C5')).handoffs[0].flags).toEqual(['stalled']); // pending 420 min
    expect((await view('C6')).handoffs[0].flags).toEqual([]); // pending exactly 240 min
    expect((await view('C10')).owner).toEqual({ team: 'field' }); // asOf includes the acceptance at `to`
    expect(await view('C8')).toMatchObject({
      flags: ['orphan'],
      reopenCount: 1,
      status: 'resolved',
      resolvedBy: 'tech',
      unownedMinutes: 60,
    });
  });

  it('equals the pure views over the same events, for random windows and instants (oracle)', async () => {
    const states = foldCases(stored);
    const instants = [at(-400), at(-300), at(0), WINDOW.from, at(245, 6), at(480 + SLA), WINDOW.to, at(800), at(900)];
    for (let i = 0; i < 30; i++) instants.push(at(-400) + Math.floor(pseudoRandom(i) * 1400 * 60_000));
    for (let i = 0; i + 1 < instants.length; i += 1) {
      const [from, to] = [Math.min(instants[i], instants[i + 1]), Math.max(instants[i], instants[i + 1])];
      expect((await report(server, from, to)).body).toEqual(reportAsJson(handoffReport(states.values(), { from, to })));
    }
    for (const [caseId, state] of states) {
      for (const asOf of instants.slice(0, 12)) {
        const expected = caseView(state, asOf);
        const answer = await caseAt(server, caseId, asOf);
        if (expected) expect(answer.body).toEqual(caseViewAsJson(expected));
        else expect(answer.status).toBe(404);
      }
    }
  });
});

describeEachViewStore('each rule of §2.3 on its own, through the case view', (store) => {
  let server: CaseServer;
  const e = caseEvents();
  let positions: Map<string, number>;

  beforeAll(async () => {
    server = await startCaseServer(store);
    const events = [
      e.opened('R1', at(0), 'billing', 'ann'),
      e.opened('R2', at(0), 'billing'),
      e.requested('R2', at(10), 'billing', 'tech'),
      e.requested('R2', at(20), 'billing', 'sales'),
      e.opened('R3', at(0), 'billing'),
      e.requested('R3', at(10), 'billing', 'tech'),
      e.accepted('R3', at(22, 30), 'sales', 'sam'),
      e.opened('R4', at(0), 'billing'),
      e.accepted('R4', at(30), 'retention'),
      e.opened('R5', at(0)),
      e.accepted('R5', at(30), 'field'),
      e.opened('R6', at(0), 'billing'),
      e.requested('R6', at(10), 'billing', 'tech'),
      e.accepted('R6', at(20), 'tech'),
      e.requested('R6', at(30), 'tech', 'billing'),
      e.accepted('R6', at(45), 'billing'),
      e.opened('R6T', at(0), 'billing'),
      e.accepted('R6T', at(10), 'sales'),
      e.accepted('R6T', at(20), 'billing'),
      e.opened('R7', at(0), 'billing'),
      e.requested('R7', at(10), 'billing', 'tech'),
      e.requested('R8', at(10), 'sales', 'tech'),
      e.accepted('R8', at(25), 'tech'),
      e.opened('R9', at(0), 'tech', 'tom'),
      e.resolved('R9', at(30), 'billing'),
      e.reopened('R9', at(90)),
      e.opened('R9U', at(0)),
      e.resolved('R9U', at(20), 'field'),
      e.reopened('R9U', at(40)),
      e.opened('R11', at(0), 'billing'),
      e.requested('R11', at(10), 'billing', 'tech'),
      e.accepted('R11', at(30), 'tech'),
    ];
    const answers = await server.post(events);
    positions = new Map(events.map((event, i) => [event.id, answers[i].position]));
    // R10: the acceptance arrives first, in a request of its own; its request and opening come later.
    await server.post([e.accepted('R10', at(30), 'tech')]);
    await server.post([e.opened('R10', at(0), 'billing'), e.requested('R10', at(10), 'billing', 'tech')]);
  });
  afterAll(async () => stopIfStarted(server, (it) => it.close()));

  it('opened with a team: owned by it from the start (the whole view)', async () => {
    const answer = await caseAt(server, 'R1', at(30));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      caseId: 'R1',
      customerId: 'cust-R1',
      asOf: '2026-03-02T00:30:00.000Z',
      status: 'open',
      owner: { team: 'billing', agentId: 'ann' },
      pendingTeam: null,
      startedAt: '2026-03-02T00:00:00.000Z',
      resolvedAt: null,
      resolvedBy: null,
      handoffs: [],
      unownedMinutes: 0,
      reopenCount: 0,
      flags: [],
      timeline: [
        {
          position: expect.any(Number),
          time: '2026-03-02T00:00:00.000Z',
          type: 'cx.case.opened.v1',
          customerId: 'cust-R1',
          effect: 'opened',
          team: 'billing',
          agentId: 'ann',
        },
      ],
    });
    expect(answer.body.timeline[0].position).toBe([...positions.values()][0]);
  });

  it('a request while one is pending supersedes it; the case is unowned and pending for the new team', async () => {
    const { body } = await caseAt(server, 'R2', at(30));
    expect(body).toMatchObject({ owner: null, pendingTeam: 'sales', unownedMinutes: 20 });
    expect(body.handoffs).toEqual([
      {
        fromTeam: 'billing',
        toTeam: 'tech',
        requestedAt: '2026-03-02T00:10:00.000Z',
        acceptedAt: null,
        acceptedBy: null,
        minutesToAccept: null,
        outcome: 'superseded',
        flags: ['superseded'],
      },
      {
        fromTeam: 'billing',
        toTeam: 'sales',
        requestedAt: '2026-03-02T00:20:00.000Z',
        acceptedAt: null,
        acceptedBy: null,
        minutesToAccept: null,
        outcome: 'pending',
        flags: [],
      },
    ]);
  });

  it('accepted by another team than asked: misrouted, minutes to accept = accepted - requested, that team owns it', async () => {
    const { body } = await caseAt(server, 'R3', at(30));
    expect(body.owner).toEqual({ team: 'sales', agentId: 'sam' });
    expect(body.handoffs).toEqual([
      {
        fromTeam: 'billing',
        toTeam: 'tech',
        requestedAt: '2026-03-02T00:10:00.000Z',
        acceptedAt: '2026-03-02T00:22:30.000Z',
        acceptedBy: 'sales',
        agentId: 'sam',
        minutesToAccept: 12.5,
        outcome: 'accepted',
        flags: ['misrouted'],
      },
    ]);
    expect(body.unownedMinutes).toBe(12.5);
  });

  it('accepted without a request while another team owns it: a takeover, with no minutes to accept', async () => {
    const { body } = await caseAt(server, 'R4', at(45));
    expect(body.owner).toEqual({ team: 'retention' });
    expect(body.handoffs).toEqual([
      {
        fromTeam: 'billing',
        toTeam: 'retention',
        requestedAt: null,
        acceptedAt: '2026-03-02T00:30:00.000Z',
        acceptedBy: 'retention',
        minutesToAccept: null,
        outcome: 'accepted',
        flags: ['takeover'],
      },
    ]);
    expect(body.unownedMinutes).toBe(0);
  });

  it('accepted without a request while unowned: a claim, no handoff', async () => {
    const { body } = await caseAt(server, 'R5', at(45));
    expect(body).toMatchObject({ owner: { team: 'field' }, handoffs: [], unownedMinutes: 30 });
    expect(body.timeline.map((entry: any) => entry.effect)).toEqual(['opened', 'claimed']);
  });

  it('a handoff back to a former owner is a ping-pong, takeovers included', async () => {
    const handoffs = (await caseAt(server, 'R6', at(60))).body.handoffs;
    expect(handoffs.map((h: any) => [h.fromTeam, h.toTeam, h.minutesToAccept, h.flags])).toEqual([
      ['billing', 'tech', 10, []],
      ['tech', 'billing', 15, ['pingPong']],
    ]);
    const takeovers = (await caseAt(server, 'R6T', at(30))).body.handoffs;
    expect(takeovers.map((h: any) => h.flags)).toEqual([['takeover'], ['takeover', 'pingPong']]);
  });

  it('a request pending exactly the SLA is not stalled; 1 ms more is', async () => {
    const requestedAt = at(10);
    const atSla = await server.get(`/v1/cases/R7?asOf=${iso(requestedAt + SLA * 60_000)}`);
    const past = await server.get(`/v1/cases/R7?asOf=${iso(requestedAt + SLA * 60_000 + 1)}`);
    expect(atSla.body.handoffs[0]).toMatchObject({ outcome: 'pending', flags: [] });
    expect(past.body.handoffs[0]).toMatchObject({ outcome: 'pending', flags: ['stalled'] });
    expect(past.body.asOf).toBe('2026-03-02T04:10:00.001Z');
  });

  it('events for a case never opened create it, marked orphan', async () => {
    const { body } = await caseAt(server, 'R8', at(30));
    expect(body).toMatchObject({
      flags: ['orphan'],
      status: 'open',
      startedAt: '2026-03-02T00:10:00.000Z',
      owner: { team: 'tech' },
      unownedMinutes: 15,
    });
    expect(body.handoffs).toEqual([
      expect.objectContaining({ fromTeam: 'sales', toTeam: 'tech', minutesToAccept: 15, ...acceptedWithoutFlags }),
    ]);
  });

  it('resolution ends ownership time; a reopen returns the case to the team (and agent) that resolved it', async () => {
    expect((await caseAt(server, 'R9', at(60))).body).toMatchObject({
      status: 'resolved',
      owner: null,
      resolvedAt: '2026-03-02T00:30:00.000Z',
      resolvedBy: 'tech',
    });
    expect((await caseAt(server, 'R9', at(100))).body).toMatchObject({
      status: 'open',
      owner: { team: 'tech', agentId: 'tom' },
      resolvedAt: null,
      resolvedBy: null,
      reopenCount: 1,
      unownedMinutes: 0,
    });
    // Unowned when resolved: the resolving event's team gets it back.
    expect((await caseAt(server, 'R9U', at(50))).body).toMatchObject({ owner: { team: 'field' }, unownedMinutes: 20, reopenCount: 1 });
  });

  it('an acceptance that arrives before its request ends the same as one that arrives after', async () => {
    const early = (await caseAt(server, 'R10', at(40))).body;
    const inOrder = (await caseAt(server, 'R11', at(40))).body;
    const comparable = (view: any) => ({
      ...view,
      caseId: undefined,
      customerId: undefined,
      timeline: view.timeline.map((t: any) => ({ ...t, position: undefined, customerId: undefined })),
    });
    expect(comparable(early)).toEqual(comparable(inOrder));
    expect(early.handoffs).toEqual([expect.objectContaining({ minutesToAccept: 20, ...acceptedWithoutFlags })]);
    expect(early.owner).toEqual({ team: 'tech' });
  });

  it('answers 404 for an unknown case and for a case with no event by asOf', async () => {
    const unknown = await server.get('/v1/cases/NOPE');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'case_not_found', message: expect.any(String) });
    expect((await caseAt(server, 'R1', at(0) - 1)).status).toBe(404);
    expect((await caseAt(server, 'R8', at(10) - 1)).status).toBe(404);
  });

  it('defaults asOf to now and rejects a malformed one', async () => {
    const now = await server.get('/v1/cases/R2');
    expect(now.body.handoffs[1].flags).toEqual(['stalled']); // pending since March
    for (const asOf of ['yesterday', '2026-03-02T00:30:00']) {
      const bad = await server.get(`/v1/cases/R2?asOf=${asOf}`);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({
        error: 'invalid_parameter',
        message: expect.any(String),
        details: [expect.objectContaining({ parameter: 'asOf' })],
      });
    }
  });
});

describeEachViewStore('the handoff report: SLA boundary at `to`, medians, merges, parameters', (store) => {
  let server: CaseServer;
  const e = caseEvents();
  const D10 = 10 * DAY;

  beforeAll(async () => {
    server = await startCaseServer(store);
    await server.post([
      // Day 0: one request, resolved on day 5 (so that the later windows do not see it).
      e.opened('E1', at(0), 'billing'),
      e.requested('E1', at(10), 'billing', 'tech'),
      e.resolved('E1', at(5 * DAY)),
      // Day 10: team `odd` accepts 3 requests (5, 12.5, 40 min) and a takeover; team `even` 4 (10, 45.1, 50, 70 min).
      e.opened('M1', at(D10), 'sales'),
      e.requested('M1', at(D10 + 10), 'sales', 'odd'),
      e.accepted('M1', at(D10 + 15), 'odd'),
      e.opened('M2', at(D10), 'sales'),
      e.requested('M2', at(D10 + 20), 'sales', 'odd'),
      e.accepted('M2', at(D10 + 32, 30), 'odd'),
      e.opened('M3', at(D10), 'sales'),
      e.requested('M3', at(D10 + 30), 'sales', 'odd'),
      e.accepted('M3', at(D10 + 70), 'odd'),
      e.opened('M4', at(D10), 'sales'),
      e.accepted('M4', at(D10 + 5), 'odd'),
      e.opened('M5', at(D10), 'billing'),
      e.requested('M5', at(D10 + 10), 'billing', 'even'),
      e.accepted('M5', at(D10 + 20), 'even'),
      e.opened('M6', at(D10), 'billing'),
      e.requested('M6', at(D10 + 10), 'billing', 'even'),
      e.accepted('M6', at(D10 + 55, 6), 'even'),
      e.opened('M7', at(D10), 'billing'),
      e.requested('M7', at(D10 + 10), 'billing', 'even'),
      e.accepted('M7', at(D10 + 60), 'even'),
      e.opened('M8', at(D10), 'billing'),
      e.requested('M8', at(D10 + 10), 'billing', 'even'),
      e.accepted('M8', at(D10 + 80), 'even'),
    ]);
  });
  afterAll(async () => stopIfStarted(server, (it) => it.close()));

  const row = (team: string, counts: Record<string, number | null>) => ({
    team,
    handoffsOut: 0,
    handoffsIn: 0,
    medianMinutesToAccept: null,
    stalledNow: 0,
    openOwned: 0,
    pingPongs: 0,
    resolved: 0,
    ...counts,
  });

  it('a request pending exactly the SLA at `to` is not stalled, and the team asked has nothing to count', async () => {
    const { body } = await report(server, at(0), at(10 + SLA));
    expect(body).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-02T04:10:00.000Z',
      teams: [row('billing', { handoffsOut: 1 })],
      matrix: [],
      ownerless: [{ caseId: 'E1', customerId: 'cust-E1', unownedSince: '2026-03-02T00:10:00.000Z', pendingTeam: 'tech' }],
      totals: { handoffs: 0, medianMinutesToAccept: null, unownedHours: 4 },
    });
  });

  it('1 ms past the SLA at `to` it is stalled for the team asked', async () => {
    const { body } = await report(server, at(0), at(10 + SLA) + 1);
    expect(body.teams).toEqual([row('billing', { handoffsOut: 1 }), row('tech', { stalledNow: 1 })]);
  });

  it('takes the median of an odd count as the middle value and of an even count as the mean of the two middle ones', async () => {
    const { body } = await report(server, at(D10), at(D10 + 2 * HOUR));
    expect(body).toEqual({
      from: '2026-03-12T00:00:00.000Z',
      to: '2026-03-12T02:00:00.000Z',
      teams: [
        row('billing', { handoffsOut: 4 }),
        // 10, 45.1 | 50, 70: (45.1 + 50) / 2 = 47.55, rounded after the mean to 47.6
        row('even', { handoffsIn: 4, medianMinutesToAccept: 47.6, openOwned: 4 }),
        // 5, 12.5, 40 (the takeover counts in, with no minutes): 12.5
        row('odd', { handoffsIn: 4, medianMinutesToAccept: 12.5, openOwned: 4 }),
        row('sales', { handoffsOut: 3 }),
      ],
      matrix: [
        { fromTeam: 'billing', toTeam: 'even', count: 4, medianMinutesToAccept: 47.6 },
        { fromTeam: 'sales', toTeam: 'odd', count: 4, medianMinutesToAccept: 12.5 },
      ],
      ownerless: [],
      // 5, 10, 12.5, [40], 45.1, 50, 70; unowned 5 + 12.5 + 40 + 10 + 45.1 + 50 + 70 = 232.6 min = 3.8767 h
      totals: { handoffs: 8, medianMinutesToAccept: 40, unownedHours: 3.88 },
    });
  });

  it('shows a case of an anonymous customer under the named customer it was merged into', async () => {
    const anon = caseEvents(() => ({ email: 'case-merge@example.com' }));
    const [opened] = await server.post([anon.opened('MG1', at(20 * DAY))]);
    expect(opened.customerId).toMatch(/^anon-/);
    await server.post([
      {
        specversion: '1.0',
        id: `merge-link-${store}`,
        source: '/channels/case-tests',
        type: 'cx.interaction.recorded.v1',
        time: iso(at(20 * DAY + 5)),
        data: { customer: { id: 'CM1', email: 'case-merge@example.com' }, channel: 'phone', direction: 'inbound' },
      },
    ]);
    const view = await caseAt(server, 'MG1', at(20 * DAY + 10));
    expect(view.body.customerId).toBe('CM1');
    expect(view.body.timeline[0].customerId).toBe('CM1');
    const { body } = await report(server, at(20 * DAY), at(21 * DAY));
    expect(body.ownerless).toEqual([{ caseId: 'MG1', customerId: 'CM1', unownedSince: '2026-03-22T00:00:00.000Z', pendingTeam: null }]);
  });

  it.each([
    ['from missing', `to=${iso(at(0))}`],
    ['to missing', `from=${iso(at(0))}`],
    ['from not RFC 3339', `from=2026-03-02&to=${iso(at(0))}`],
    ['to without an offset', `from=${iso(at(0))}&to=2026-03-03T00:00:00`],
    ['from after to', `from=${iso(at(1))}&to=${iso(at(0))}`],
  ])('answers 400 in the API shape for %s', async (_, query) => {
    const answer = await server.get(`/v1/reports/handoffs?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: 'invalid_parameter',
      message: expect.any(String),
      details: [expect.objectContaining({ parameter: expect.any(String) })],
    });
  });

  it('answers an empty window (from = to) with nothing in it but what stands at `to`', async () => {
    const { body } = await report(server, at(D10 + 30), at(D10 + 30));
    expect(body.totals).toEqual({ handoffs: 0, medianMinutesToAccept: null, unownedHours: 0 });
    // at 00:30 (exclusive) M6, M7, M8 wait since 00:10, M2 since 00:20; M3's request is at 00:30 itself, so not yet
    expect(body.ownerless.map((r: any) => [r.caseId, r.pendingTeam])).toEqual([
      ['M6', 'even'],
      ['M7', 'even'],
      ['M8', 'even'],
      ['M2', 'odd'],
    ]);
  });
});

/** A fixed sequence in [0, 1), so that the windows are the same on every run. */
function pseudoRandom(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}
