import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { cloudEvent, interaction, purchase } from './support/cloud-events';

/** SPEC §1.1, §3 and §4.4 from the outside: HTTP in, HTTP out. */
describe('POST /v1/events and the customer routes (embedded store)', () => {
  let server: RunningServer;
  let ingest: ReturnType<typeof client>;
  let analyst: ReturnType<typeof client>;

  beforeAll(async () => {
    server = await startServer();
    ingest = client(server.url, KEYS.ingest);
    analyst = client(server.url, KEYS.analyst);
  });
  afterAll(async () => server.close());

  it('accepts one event with its position and resolved customer, and stores it once when sent again', async () => {
    const event = interaction({ id: 'cust-accept' });
    const first = await ingest.post('/v1/events', event);
    expect(first.status).toBe(202);
    expect(first.body).toEqual([{ index: 0, id: event.id, status: 'accepted', position: expect.any(Number), customerId: 'cust-accept' }]);
    const again = await ingest.post('/v1/events', { ...event, data: { ...event.data } });
    expect(again.body).toEqual([{ ...first.body[0], status: 'duplicate' }]);
    const twice = await ingest.post('/v1/events', [event, event]);
    expect(twice.status).toBe(202);
    expect(twice.body.map((r: { status: string; position: number }) => [r.status, r.position])).toEqual([
      ['duplicate', first.body[0].position],
      ['duplicate', first.body[0].position],
    ]);
    const timeline = await analyst.get('/v1/customers/cust-accept/timeline');
    expect(timeline.body.events).toHaveLength(1);
  });

  it('answers every event of a batch in order, one bad event never rejecting its neighbours', async () => {
    const good = interaction({ email: 'Batch@Example.com ' });
    const stored = interaction({ id: 'cust-conflict' });
    await ingest.post('/v1/events', stored);
    const batch = [
      good,
      cloudEvent('cx.unknown.v1', { customer: { id: 'x' } }),
      interaction({ id: 'x' }, {}, { channel: 'carrier-pigeon' }),
      interaction({ id: 'x' }, { time: '1999-12-31T23:59:59Z' }),
      { ...stored, data: { ...stored.data, summary: 'changed content' } },
      good,
      'not an event',
    ];
    const answer = await ingest.post('/v1/events', batch);
    expect(answer.status).toBe(202);
    expect(answer.body.map((r: { index: number; status: string; error?: string }) => [r.index, r.status, r.error])).toEqual([
      [0, 'accepted', undefined],
      [1, 'rejected', 'unknown_type'],
      [2, 'rejected', 'invalid'],
      [3, 'rejected', 'invalid_time'],
      [4, 'rejected', 'id_conflict'],
      [5, 'duplicate', undefined],
      [6, 'rejected', 'invalid'],
    ]);
    expect(answer.body[2].errors).toEqual([{ path: 'data.channel', message: expect.stringContaining('channel') }]);
    expect(answer.body[5].position).toBe(answer.body[0].position);
    expect(answer.body[0].customerId).toMatch(/^anon-[0-9a-f]{16}$/);
  });

  it('resolves identifiers without an id to the same customer, and links them to a named one', async () => {
    const [anon] = (await ingest.post('/v1/events', interaction({ email: 'link@example.com' }))).body;
    const [byPhone] = (await ingest.post('/v1/events', interaction({ email: 'LINK@example.com', phone: '+44 20 7946 0000' }))).body;
    const [phoneOnly] = (await ingest.post('/v1/events', interaction({ phone: '+442079460000' }))).body;
    expect(byPhone.customerId).toBe(anon.customerId);
    expect(phoneOnly.customerId).toBe(anon.customerId);
    const [named] = (await ingest.post('/v1/events', interaction({ id: 'cust-named', externalIds: { crm: 'A-77' } }))).body;
    const [byCrm] = (await ingest.post('/v1/events', interaction({ externalIds: { crm: 'A-77' } }))).body;
    expect(named.customerId).toBe('cust-named');
    expect(byCrm.customerId).toBe('cust-named');
  });

  it('refuses system-only types from channel systems', async () => {
    const [forgotten] = (await ingest.post('/v1/events', cloudEvent('cx.customer.forgotten.v1', { customer: { id: 'x' } }))).body;
    const [merged] = (await ingest.post('/v1/events', cloudEvent('cx.customer.merged.v1', { customer: { id: 'a' }, into: { id: 'b' } })))
      .body;
    expect([forgotten.status, merged.status]).toEqual(['rejected', 'rejected']);
    const [byOps] = (
      await client(server.url, KEYS.all).post(
        '/v1/events',
        cloudEvent('cx.customer.merged.v1', { customer: { id: 'a' }, into: { id: 'b' } }),
      )
    ).body;
    expect(byOps.status).toBe('accepted');
  });

  it.each([
    ['malformed JSON', '{"specversion": "1.0",', 400, 'malformed_json'],
    ['an empty batch', '[]', 400, 'empty_batch'],
    ['a JSON scalar', '42', 400, 'invalid_body'],
  ])('answers %s with a 400 and its code', async (_name, body, status, code) => {
    const answer = await ingest.post('/v1/events', body);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: code, message: expect.any(String) });
  });

  it('refuses a batch over 1,000 events with 400 and stores none of it', async () => {
    const customer = { id: 'cust-over-limit' };
    const answer = await ingest.post(
      '/v1/events',
      Array.from({ length: 1001 }, () => interaction(customer)),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('batch_too_large');
    expect((await analyst.get('/v1/customers/cust-over-limit')).status).toBe(404);
  });

  it('refuses a body over 5 MiB, and a single event over 64 KiB, with 413', async () => {
    const huge = await ingest.post(
      '/v1/events',
      JSON.stringify(
        Array.from({ length: 90 }, () => interaction({ id: 'big' }, {}, { summary: 'x'.repeat(4000), pad: 'y'.repeat(60_000) })),
      ),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('payload_too_large');
    const oversize = await ingest.post('/v1/events', interaction({ id: 'big' }, { pad: 'z'.repeat(70_000) }));
    expect(oversize.status).toBe(413);
    const inBatch = await ingest.post('/v1/events', [interaction({ id: 'big' }, { pad: 'z'.repeat(70_000) }), interaction({ id: 'big' })]);
    expect(inBatch.body.map((r: { status: string }) => r.status)).toEqual(['rejected', 'accepted']);
  });

  it('accepts a batch of 1,000 events and stores every one', async () => {
    const customers = Array.from({ length: 50 }, (_, i) => ({ id: `cust-bulk-${i}` }));
    const batch = Array.from({ length: 1000 }, (_, i) =>
      interaction(customers[i % 50], { time: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() }),
    );
    const answer = await ingest.post('/v1/events', batch);
    expect(answer.status).toBe(202);
    expect(answer.body.filter((r: { status: string }) => r.status === 'accepted')).toHaveLength(1000);
    const positions = answer.body.map((r: { position: number }) => r.position);
    expect(new Set(positions).size).toBe(1000);
    const timeline = await analyst.get(`/v1/customers/cust-bulk-7/timeline?limit=500&after=${Math.max(...positions)}`);
    expect(timeline.body.events).toHaveLength(20);
  });

  it('gives the timeline in event time order whatever order events arrived in, paged by cursor', async () => {
    const customer = { id: 'cust-shuffled' };
    const times = Array.from({ length: 9 }, (_, i) => new Date(Date.UTC(2026, 1, 1 + i)).toISOString());
    const shuffled = [5, 0, 8, 3, 1, 7, 2, 6, 4].map((i) => interaction(customer, { time: times[i] }));
    for (const event of shuffled.slice(0, 4)) await ingest.post('/v1/events', event);
    const last = (await ingest.post('/v1/events', shuffled.slice(4))).body.at(-1).position;
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      // after=: the views may still be folding the previous test's 1,000 events (SPEC §3: without it, a read answers at once).
      const page: { body: { events: Array<{ time: string }>; nextCursor: string | null } } = await analyst.get(
        `/v1/customers/cust-shuffled/timeline?limit=4&after=${last}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.events.map((e) => e.time));
      cursor = page.body.nextCursor;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(times.map((t) => new Date(t).toISOString()));
  });

  it('shows the customer view: firstSeen, lastSeen and interactions by channel', async () => {
    const customer = { id: 'cust-view' };
    const posted = await ingest.post('/v1/events', [
      interaction(customer, { time: '2026-02-03T10:00:00Z' }, { channel: 'email' }),
      interaction(customer, { time: '2026-02-01T10:00:00+02:00' }, { channel: 'chat' }),
      interaction(customer, { time: '2026-02-02T10:00:00Z' }, { channel: 'email' }),
      purchase(customer, { time: '2026-02-04T00:00:00Z' }),
    ]);
    const after = Math.max(...posted.body.map((r: { position: number }) => r.position));
    const view = await analyst.get(`/v1/customers/cust-view?after=${after}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      customerId: 'cust-view',
      firstSeen: '2026-02-01T08:00:00.000Z',
      lastSeen: '2026-02-04T00:00:00.000Z',
      interactions: { count: 3, byChannel: { email: 2, chat: 1 } },
      stage: expect.any(String),
    });
    const before = await analyst.get('/v1/customers/cust-view?asOf=2026-02-02T12:00:00Z');
    expect(before.body.interactions).toEqual({ count: 2, byChannel: { email: 1, chat: 1 } });
  });

  it('answers 404 for an unknown customer and 400 for a bad asOf or cursor', async () => {
    expect((await analyst.get('/v1/customers/nobody')).status).toBe(404);
    expect((await analyst.get('/v1/customers/nobody/timeline')).body.error).toBe('customer_not_found');
    expect((await analyst.get('/v1/customers/cust-view?asOf=yesterday')).status).toBe(400);
    expect((await analyst.get('/v1/customers/cust-view/timeline?cursor=zzz')).status).toBe(400);
    expect((await analyst.get('/v1/customers/cust-view/timeline?limit=0')).status).toBe(400);
  });

  describe('access (SPEC §4.4)', () => {
    it('answers 401 without a key or with an unknown key, 403 with the wrong role', async () => {
      expect((await client(server.url).post('/v1/events', interaction({ id: 'x' }))).status).toBe(401);
      expect((await client(server.url, 'not-a-key').get('/v1/customers/x')).status).toBe(401);
      expect((await analyst.post('/v1/events', interaction({ id: 'x' }))).status).toBe(403);
      expect((await ingest.get('/v1/customers/cust-view')).status).toBe(403);
      const forbidden = await client(server.url, KEYS.ops).get('/v1/customers/cust-view');
      expect(forbidden.body).toEqual({ error: 'forbidden', message: 'this route needs the analyst role' });
    });

    it('answers /health without a key', async () => {
      const health = await client(server.url).get('/health');
      expect(health.status).toBe(200);
      expect(health.body.status).toBe('ok');
    });
  });
});
