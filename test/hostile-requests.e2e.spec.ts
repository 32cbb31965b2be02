import fc from 'fast-check';
import { METHODS } from 'node:http';
import { describeWithPostgres, type TestDatabase, stopIfStarted } from '@cx/event-store/testing';
import { KEYS, RunningServer, startServer } from './support/cx-server';
import { RawAnswer, rawRequest, RawRequest } from './support/raw-http';
import { present } from '@cx/views/testing';

/**
 * Issue 15 items 3 and 4, from outside and as generators: whatever a client sends (a
 * parameter twice or of the wrong type, a NUL in an id or a cursor, a broken URL, a
 * method HTTP does not know, a header the parser refuses, a body where none belongs, a
 * window of centuries, a page of millions, an event built to break the validator), the
 * answer is never a 5xx and every error is `{error, message, details?}`. On SQLite and on
 * PostgreSQL, whose text type refuses NUL bytes.
 */

const AUTH: [string, string] = ['authorization', `Bearer ${KEYS.all}`];
const STAGES = ['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned'];
const YEAR_MS = 365.25 * 86_400_000;
const RUNS = Number(process.env.CX_HOSTILE_RUNS ?? 60);

/** Every byte percent-encoded: the value arrives exactly as generated (lone surrogates become U+FFFD, as UTF-8 must). */
const encode = (text: string): string => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const query = (pairs: Array<[string, string]>): string => pairs.map(([k, v]) => `${k}=${encode(v)}`).join('&');
const iso = (ms: number) => new Date(ms).toISOString();

const instant = fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2030, 0, 1) }).map(iso);
const window = fc
  .tuple(fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: 0, max: Math.floor(9.9 * YEAR_MS) }))
  .map(([from, span]): Array<[string, string]> => [
    ['from', iso(from)],
    ['to', iso(from + span)],
  ]);

type Kind = 'instant' | 'limit' | 'position' | 'stage' | 'groupBy' | 'text' | 'cursor' | 'outcome' | 'driverGroupBy';

/** Each route with the parameters it declares, their kind, and a valid value for each (SPEC §3). */
interface Route {
  path: string;
  /** Parameters every call needs (a report's window). */
  base: fc.Arbitrary<Array<[string, string]>>;
  params: Record<string, Kind>;
}
const none = fc.constant<Array<[string, string]>>([]);
const ROUTES: Route[] = [
  {
    path: '/v1/customers',
    base: none,
    params: { stage: 'stage', segment: 'text', asOf: 'instant', limit: 'limit', cursor: 'cursor', after: 'position' },
  },
  { path: '/v1/customers/C-1', base: none, params: { asOf: 'instant', after: 'position' } },
  { path: '/v1/customers/C-1/timeline', base: none, params: { limit: 'limit', cursor: 'cursor', after: 'position' } },
  { path: '/v1/reports/lifecycle', base: none, params: { asOf: 'instant', after: 'position' } },
  { path: '/v1/reports/loyalty', base: window, params: { from: 'instant', to: 'instant', groupBy: 'groupBy', after: 'position' } },
  { path: '/v1/reports/cohorts', base: window, params: { from: 'instant', to: 'instant', segment: 'text', after: 'position' } },
  { path: '/v1/reports/handoffs', base: window, params: { from: 'instant', to: 'instant', segment: 'text', after: 'position' } },
  { path: '/v1/cases/K-1', base: none, params: { asOf: 'instant', after: 'position' } },
  { path: '/v1/ops/customers/C-1/audit', base: none, params: { knownAt: 'instant' } },
  { path: '/v1/ops/identity-conflicts', base: none, params: { limit: 'limit' } },
  { path: '/v1/alerts', base: none, params: { customerId: 'text', caseId: 'text', asOf: 'instant', limit: 'limit', after: 'position' } },
  { path: '/v1/reports/closed-loop', base: window, params: { from: 'instant', to: 'instant', after: 'position' } },
  {
    path: '/v1/reports/drivers',
    base: window,
    params: { from: 'instant', to: 'instant', outcome: 'outcome', groupBy: 'driverGroupBy', asOf: 'instant', after: 'position' },
  },
];
const route = fc.constantFrom(...ROUTES);

/** An hour after the seed events are recorded (they happened earlier still), so that `asOf` and `knownAt` find them. */
const laterInstant = fc.integer({ min: Date.now() + 3_600_000, max: Date.UTC(2030, 0, 1) }).map(iso);

const VALID: Record<Kind, fc.Arbitrary<string>> = {
  instant: laterInstant,
  limit: fc.integer({ min: 1, max: 1000 }).map(String),
  position: fc.integer({ min: 0, max: 2 }).map(String),
  stage: fc.constantFrom(...STAGES),
  groupBy: fc.constantFrom('none', 'channel', 'team', 'segment'),
  text: fc.string({ minLength: 1, maxLength: 20 }),
  cursor: fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  outcome: fc.constantFrom('nps', 'csat', 'churn'),
  driverGroupBy: fc.constantFrom('none', 'segment', 'valueTier'),
};

const notAnInteger = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '' && !Number.isInteger(Number(s))),
  fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }).map(String),
);

/** Values a parameter of each kind must refuse with a 400 (an empty value counts as absent, so none is empty). */
const WRONG: Partial<Record<Kind, fc.Arbitrary<string>>> = {
  instant: fc.oneof(
    fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/^\d{4}-\d{2}-\d{2}T/.test(s)),
    instant.map((t) => t.slice(0, 19)), // no offset
    instant.map((t) => t.slice(0, 10)), // a date
    fc.constantFrom('2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T25:00:00Z', 'now', 'yesterday'),
  ),
  limit: fc.oneof(notAnInteger, fc.integer({ min: 1001, max: 2 ** 40 }).map(String), fc.integer({ min: -(2 ** 40), max: 0 }).map(String)),
  position: fc.oneof(notAnInteger, fc.integer({ min: -(2 ** 40), max: -1 }).map(String)),
  stage: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !STAGES.includes(s)),
  groupBy: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !['none', 'channel', 'team', 'segment'].includes(s)),
  outcome: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !['nps', 'csat', 'churn'].includes(s)),
  driverGroupBy: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !['none', 'segment', 'valueTier'].includes(s)),
};

/** The API's error shape (SPEC §3), and never a 5xx. */
function expectApiAnswer(answer: RawAnswer, context: string): void {
  if (answer.status >= 500) throw new Error(`${context}: ${answer.status} ${answer.text.slice(0, 300)}`);
  if (answer.status < 400) return;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`${context}: ${answer.status} is not JSON: ${answer.text.slice(0, 200)}`);
  }
  const { error, message, details, ...rest } = body as Record<string, unknown>;
  expect({ error, message, rest }).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String), rest: {} });
  expect(['undefined', 'object']).toContain(typeof details);
}

function hostileSuite(environment: () => Record<string, string>) {
  let server: RunningServer;
  const send = async (request: RawRequest): Promise<RawAnswer> => {
    const answer = await rawRequest(server.url, request);
    expectApiAnswer(answer, `${request.method} ${request.target.slice(0, 120)}`);
    return answer;
  };
  const get = (target: string, headers: Array<[string, string]> = []) => send({ method: 'GET', target, headers: [AUTH, ...headers] });
  const errorOf = (answer: RawAnswer) => JSON.parse(answer.text) as { error: string; details?: Array<{ parameter: string }> };
  const post = (body: string) =>
    send({ method: 'POST', target: '/v1/events', headers: [AUTH, ['content-type', 'application/json']], body });

  beforeAll(async () => {
    server = await startServer(environment());
    const seed = [
      {
        specversion: '1.0',
        id: 'seed-1',
        source: '/channels/hostile',
        type: 'cx.purchase.completed.v1',
        time: '2026-03-01T09:30:00Z',
        data: { customer: { id: 'C-1' }, orderId: 'o-1', amountMinor: 100, currency: 'EUR', channel: 'web' },
      },
      {
        specversion: '1.0',
        id: 'seed-2',
        source: '/channels/hostile',
        type: 'cx.case.opened.v1',
        time: '2026-03-01T09:31:00Z',
        data: { customer: { id: 'C-1' }, caseId: 'K-1', category: 'complaint', channel: 'phone', team: 'care' },
      },
    ];
    const answer = await post(JSON.stringify(seed));
    expect(JSON.parse(answer.text).map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
    // Wait once for the projections, so that valid calls below answer 200 at once.
    expect((await get('/v1/customers/C-1?after=2')).status).toBe(200);
    expect((await get('/v1/cases/K-1?after=2')).status).toBe(200);
  });
  afterAll(async () => stopIfStarted(server, (it) => it.close()));

  it('answers every valid call of every route 200 (the generators below are only wrong where they mean to be)', async () => {
    await fc.assert(
      fc.asyncProperty(
        route.chain((r) =>
          fc.tuple(
            fc.constant(r),
            r.base,
            fc
              .subarray(Object.entries(r.params))
              .chain((picked) =>
                fc.tuple(
                  ...picked
                    .filter(([name]) => !['from', 'to', 'cursor', 'after'].includes(name))
                    .map(([name, kind]) => VALID[kind].map((v): [string, string] => [name, v])),
                ),
              ),
          ),
        ),
        async ([r, base, pairs]) => {
          const answer = await get(`${r.path}?${query([...base, ...pairs])}`);
          expect(answer.status).toBe(200);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers a parameter given twice 400, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(
        route.chain((r) =>
          fc.tuple(
            fc.constant(r),
            r.base,
            fc
              .constantFrom(...Object.entries(r.params))
              .chain(([name, kind]) => fc.tuple(fc.constant(name), fc.array(VALID[kind], { minLength: 2, maxLength: 4 }))),
          ),
        ),
        async ([r, base, [name, values]]) => {
          const pairs = [...base.filter(([k]) => k !== name), ...values.map((v): [string, string] => [name, v])];
          const answer = await get(`${r.path}?${query(pairs)}`);
          expect(answer.status).toBe(400);
          expect(errorOf(answer).details).toContainEqual(expect.objectContaining({ parameter: name }));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers a parameter of the wrong type, or past its bounds, 400, naming it', async () => {
    const wrongCall = route.chain((r) => {
      const typed = Object.entries(r.params).filter(([, kind]) => WRONG[kind] !== undefined);
      return fc.tuple(
        fc.constant(r),
        r.base,
        fc.constantFrom(...typed).chain(([name, kind]) => fc.tuple(fc.constant(name), present(WRONG[kind]))),
      );
    });
    await fc.assert(
      fc.asyncProperty(wrongCall, async ([r, base, [name, value]]) => {
        const answer = await get(`${r.path}?${query([...base.filter(([k]) => k !== name), [name, value]])}`);
        expect(answer.status).toBe(400);
        expect(errorOf(answer).details).toContainEqual(expect.objectContaining({ parameter: name }));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('answers a report window longer than 10 years 400 window_too_long, and one of 10 years or less 200', async () => {
    const reports = fc.constantFrom('/v1/reports/loyalty', '/v1/reports/cohorts', '/v1/reports/handoffs', '/v1/reports/drivers');
    const tooLong = fc.tuple(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: 1, max: 8000 * 365 }));
    await fc.assert(
      fc.asyncProperty(reports, tooLong, async (path, [from, extraDays]) => {
        const start = new Date(from);
        const tenYearsOn = Date.UTC(
          start.getUTCFullYear() + 10,
          start.getUTCMonth(),
          start.getUTCDate(),
          start.getUTCHours(),
          start.getUTCMinutes(),
          start.getUTCSeconds(),
          start.getUTCMilliseconds(),
        );
        const to = Math.min(tenYearsOn + extraDays * 86_400_000, Date.UTC(9999, 11, 31));
        const long = await get(
          `${path}?${query([
            ['from', iso(from)],
            ['to', iso(to)],
          ])}`,
        );
        expect([long.status, errorOf(long).error]).toEqual([400, 'window_too_long']);
        expect(
          (
            await get(
              `${path}?${query([
                ['from', iso(from)],
                ['to', iso(tenYearsOn)],
              ])}`,
            )
          ).status,
        ).toBe(200);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers a NUL byte in a path id 400, and any id at all without a 5xx', async () => {
    const withNul = fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([a, b]) => `${a}\u0000${b}`);
    const paths = fc.constantFrom(
      (id: string) => `/v1/customers/${id}`,
      (id: string) => `/v1/customers/${id}/timeline`,
      (id: string) => `/v1/cases/${id}`,
      (id: string) => `/v1/ops/customers/${id}/audit`,
    );
    await fc.assert(
      fc.asyncProperty(paths, withNul, async (path, id) => {
        expect((await get(path(encode(id)))).status).toBe(400);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(paths, fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }), async (path, id) => {
        expect([200, 400, 404]).toContain((await get(path(encode(id)))).status);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any cursor (NUL bytes, `AA`, random base64) 200 or 400, and NUL in a text parameter 400', async () => {
    const cursor = fc.oneof(fc.constant('AA'), VALID.cursor, fc.string({ unit: 'binary', maxLength: 40 }));
    const paths = fc.constantFrom('/v1/customers', '/v1/customers/C-1/timeline');
    await fc.assert(
      fc.asyncProperty(paths, cursor, async (path, value) => {
        expect([200, 400]).toContain((await get(`${path}?${query([['cursor', value]])}`)).status);
      }),
      { numRuns: RUNS },
    );
    expect((await get('/v1/customers?cursor=AA')).status).toBe(400);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 10 }), async (prefix) => {
        expect((await get(`/v1/customers?${query([['segment', `${prefix}\u0000`]])}`)).status).toBe(400);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('answers a URL whose percent-encoding does not decode 400 invalid_url', async () => {
    const broken = fc.oneof(
      fc.constantFrom('%ff', '%c0%80', '%ed%a0%80', '%80', '%e2%82', '%', '%z1', '%4', '%f0%9f%98'),
      fc.integer({ min: 0x80, max: 0xff }).map((b) => `%${b.toString(16)}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'abcXYZ019-_'.split('')), maxLength: 8 }),
        broken,
        fc.constantFrom('/v1/customers/', '/v1/cases/', '/v1/customers/x/'),
        async (prefix, bad, path) => {
          const answer = await get(`${path}${prefix}${bad}`);
          expect([answer.status, errorOf(answer).error]).toEqual([400, 'invalid_url']);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers a method it does not serve 405 with Allow where the path exists, and one HTTP does not know 400', async () => {
    const known = fc.constantFrom('DELETE', 'PUT', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'LOCK', 'MKCOL', 'QUERY', 'SEARCH', 'CONNECT');
    await fc.assert(
      fc.asyncProperty(known, fc.constantFrom('/v1/customers', '/v1/events', '/v1/reports/lifecycle', '/health'), async (method, path) => {
        const answer = await send({ method, target: path, headers: [AUTH] });
        expect(answer.status).toBe(405);
        expect(answer.headers.get('allow')).toMatch(/^(GET|POST)/);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    const unknown = fc.stringMatching(/^[A-Z]{2,12}$/).filter((m) => !METHODS.includes(m) && m !== 'PRI');
    await fc.assert(
      fc.asyncProperty(unknown, async (method) => {
        const answer = await send({ method, target: '/v1/customers', headers: [AUTH] });
        expect([answer.status, errorOf(answer).error]).toEqual([400, 'invalid_method']);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('answers a header the HTTP parser refuses (a NUL or control character in the content type) 400, and oversized headers 431', async () => {
    // Any control character but the tab (allowed) and CR/LF (which end the header line instead).
    const control = fc
      .oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f))
      .filter((c) => ![0x09, 0x0a, 0x0d].includes(c))
      .map((c) => String.fromCharCode(c));
    const badType = fc
      .tuple(fc.constantFrom('application/json', 'application/cloudevents+json', 'text/plain'), control, fc.string({ maxLength: 10 }))
      .map(([type, c, tail]) => `${type}${c}${tail.replace(/[\r\n]/g, '')}`);
    await fc.assert(
      fc.asyncProperty(badType, async (type) => {
        const answer = await send({ method: 'POST', target: '/v1/events', headers: [AUTH, ['content-type', type]], body: '{}' });
        expect([answer.status, errorOf(answer).error]).toEqual([400, 'invalid_header']);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 17 * 1024, max: 256 * 1024 }),
        fc.constantFrom('/v1/customers', '/v1/events', '/health'),
        async (size, path) => {
          const answer = await send({ method: 'GET', target: path, headers: [AUTH, ['x-padding', 'p'.repeat(size)]] });
          expect([answer.status, errorOf(answer).error]).toEqual([431, 'headers_too_large']);
        },
      ),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('answers a body on a GET 400, and a body of a type the API does not read 415', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/customers', '/v1/reports/lifecycle', '/health'),
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (path, body, type) => {
          const answer = await send({ method: 'GET', target: path, headers: [AUTH, ['content-type', type]], body });
          expect([answer.status, errorOf(answer).error]).toEqual([400, 'body_not_allowed']);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    const otherType = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'text/plain; charset=utf-8',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
      ),
      fc.stringMatching(/^[a-z]{1,8}\/[a-z]{1,8}$/).filter((t) => !t.endsWith('json')),
    );
    await fc.assert(
      fc.asyncProperty(otherType, fc.string({ minLength: 1, maxLength: 100 }), async (type, body) => {
        const answer = await send({ method: 'POST', target: '/v1/events', headers: [AUTH, ['content-type', type]], body });
        expect([answer.status, errorOf(answer).error]).toEqual([415, 'unsupported_media_type']);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('accepts an event whose datacontenttype is application/json with parameters (SPEC §1.1)', async () => {
    const type = fc.constantFrom('application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json ; charset="utf-8"');
    await fc.assert(
      fc.asyncProperty(type, async (datacontenttype) => {
        const event = {
          specversion: '1.0',
          id: `hostile-type-${Date.now()}-${Math.random()}`,
          source: '/channels/hostile',
          type: 'cx.interaction.recorded.v1',
          time: '2026-03-01T09:30:00Z',
          datacontenttype,
          data: { customer: { id: 'C-4' }, channel: 'phone', direction: 'inbound' },
        };
        const answer = await post(JSON.stringify([event]));
        expect(JSON.parse(answer.text)[0].status).toBe('accepted');
      }),
      { numRuns: 6 },
    );
  });

  describe('events built to break the validator (issue 15 item 3; the rules are write-path’s)', () => {
    const event = (id: string, customer: unknown, extra: Record<string, unknown> = {}) => ({
      specversion: '1.0',
      id,
      source: '/channels/hostile',
      type: 'cx.interaction.recorded.v1',
      time: '2026-03-01T09:30:00Z',
      data: { customer, channel: 'phone', direction: 'inbound', ...extra },
    });
    const results = (answer: RawAnswer) => JSON.parse(answer.text) as Array<{ status: string; error?: string }>;
    let n = 0;
    const nextId = () => `hostile-${Date.now()}-${(n += 1)}`;

    it('rejects a customer reference whose identifiers are null as invalid', async () => {
      const nullRef = fc
        .subarray(['id', 'email', 'phone', 'externalIds'], { minLength: 1 })
        .map((fields) => Object.fromEntries(fields.map((f) => [f, null])));
      await fc.assert(
        fc.asyncProperty(nullRef, async (customer) => {
          const answer = await post(JSON.stringify([event(nextId(), customer)]));
          expect(answer.status).toBe(202);
          expect(results(answer)[0]).toMatchObject({ status: 'rejected', error: 'invalid' });
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    });

    it('never fails on "constructor", "__proto__" or "prototype" keys anywhere in data', async () => {
      const key = fc.constantFrom('constructor', '__proto__', 'prototype');
      const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ prototype: { x: 1 } }));
      await fc.assert(
        fc.asyncProperty(key, value, fc.constantFrom('data', 'customer'), async (name, v, where) => {
          const customer = where === 'customer' ? JSON.parse(`{"id":"C-2",${JSON.stringify(name)}:${JSON.stringify(v)}}`) : { id: 'C-2' };
          const text = JSON.stringify([event(nextId(), customer)]);
          const body =
            where === 'data'
              ? text.replace('"channel":"phone"', () => `${JSON.stringify(name)}:${JSON.stringify(v)},"channel":"phone"`)
              : text;
          const answer = await post(body);
          expect(answer.status).toBe(202);
          expect(['accepted', 'rejected']).toContain(results(answer)[0].status);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    });

    it('rejects data nested hundreds to thousands of levels deep, without a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom('[', '{"a":'), async (depth, open) => {
          const close = open === '[' ? ']' : '}';
          const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
          const answer = await post(
            JSON.stringify([event(nextId(), { id: 'C-3' })]).replace('"channel":"phone"', () => `"deep":${nested},"channel":"phone"`),
          );
          if (answer.status === 202) expect(results(answer)[0].status).not.toBe('accepted');
          else expect([400, 413]).toContain(answer.status);
        }),
        { numRuns: Math.ceil(RUNS / 6) },
      );
    });

    it('rejects a customer id that is not valid Unicode (a lone surrogate) as invalid', async () => {
      const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `\\u${c.toString(16)}`);
      await fc.assert(
        fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9]{0,8}$/), surrogate, async (prefix, lone) => {
          const body = JSON.stringify([event(nextId(), { id: `${prefix}LONE` })]).replace(`${prefix}LONE`, `${prefix}${lone}`);
          const answer = await post(body);
          expect(answer.status).toBe(202);
          expect(results(answer)[0]).toMatchObject({ status: 'rejected', error: 'invalid' });
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    });
  });
}

describe('hostile requests on SQLite', () => hostileSuite(() => ({})));

describeWithPostgres('hostile requests on PostgreSQL', (database: TestDatabase) =>
  hostileSuite(() => ({ CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url })),
);
