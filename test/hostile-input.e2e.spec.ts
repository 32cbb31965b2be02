import fc from 'fast-check';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';

const VALID = {
  specversion: '1.0',
  source: '/channels/fuzz',
  type: 'cx.survey.answered.v1',
  time: '2026-03-01T09:30:00Z',
  data: { customer: { id: 'fuzz-customer' }, survey: 'nps', score: 7 },
};
const FIELDS = ['specversion', 'id', 'source', 'type', 'time', 'data', 'datacontenttype', 'subject'];
const DATA_FIELDS = ['customer', 'survey', 'score', 'comment', 'channel', 'team', 'caseId'];

/** Any JSON, strings that look like attacks, and numbers at the edges. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '__proto__',
    '{"$ne":null}',
    "'; DROP TABLE events; --",
    'x'.repeat(5000),
    '😀'.repeat(100),
    '2026-02-30T00:00:00Z',
  ),
  fc.constantFrom(-1, 0, 1e308, -0, 1e12 + 1, 11, 0.5, Number.MAX_SAFE_INTEGER),
);

/** A valid survey answer with some fields replaced, removed or added. */
const mutatedEvent = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 12 }),
    envelope: fc.dictionary(fc.constantFrom(...FIELDS, '__proto__', 'constructor'), hostileValue, { maxKeys: 3 }),
    data: fc.dictionary(fc.constantFrom(...DATA_FIELDS), hostileValue, { maxKeys: 3 }),
    customer: fc.option(fc.oneof(fc.record({ id: fc.string({ maxLength: 140 }) }), fc.record({ email: fc.string() }), hostileValue)),
  })
  .map(({ id, envelope, data, customer }) => {
    const event: Record<string, unknown> = { ...VALID, id: `fz-${id}`, ...envelope };
    if (typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data)) {
      event.data = { ...event.data, ...data, ...(customer === null ? {} : { customer }) };
    }
    return event;
  });

const body = fc.oneof(
  { weight: 3, arbitrary: mutatedEvent.map((e) => JSON.stringify(e)) },
  { weight: 3, arbitrary: fc.array(fc.oneof(mutatedEvent, hostileValue), { minLength: 1, maxLength: 20 }).map((a) => JSON.stringify(a)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: mutatedEvent.map((e) => JSON.stringify(e).slice(0, -3)) },
);

/**
 * Thousands of malformed and hostile bodies: never a 5xx, never a crash, and what is
 * stored is exactly what was answered `accepted`, no more and no less.
 */
describe('POST /v1/events under hostile input', () => {
  let server: RunningServer;
  beforeAll(async () => (server = await startServer()));
  afterAll(async () => server.close());

  it('never answers 5xx and stores exactly the events it answers accepted', async () => {
    const ingest = client(server.url, KEYS.ingest);
    const head = async () => (await client(server.url).get('/health')).body.info.eventStore.headPosition as number;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = await head();
        const answer = await ingest.post('/v1/events', text);
        expect([202, 400, 413]).toContain(answer.status);
        if (answer.status !== 202) {
          expect(answer.body).toEqual({ error: expect.any(String), message: expect.any(String) });
          expect(await head()).toBe(before);
          return;
        }
        const results = answer.body as Array<{ index: number; status: string; position?: number }>;
        const sent = JSON.parse(text);
        expect(results.map((r) => r.index)).toEqual((Array.isArray(sent) ? sent : [sent]).map((_: unknown, i: number) => i));
        const newlyAccepted = results.filter((r) => r.status === 'accepted');
        accepted += newlyAccepted.length;
        expect(await head()).toBe(before + new Set(newlyAccepted.map((r) => r.position)).size);
      }),
      { numRuns: 2500 },
    );
    expect(accepted).toBeGreaterThan(0);
    expect((await client(server.url).get('/health')).status).toBe(200);
  });
});
