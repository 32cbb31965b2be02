import { canonicalEvent, canonicalJson } from '../canonical-json';
import { MAX_EVENT_DEPTH } from './event-shape';
import { MAX_EVENT_BYTES, validateCloudEvent } from './validate-cloud-event';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const survey = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: 'evt-1',
  source: '/channels/survey-tool',
  type: 'cx.survey.answered.v1',
  time: '2026-03-01T09:30:00Z',
  data: { customer: { email: 'ada@example.com' }, survey: 'nps', score: 9, ...data },
  ...overrides,
});
const codeOf = (raw: unknown) => {
  const result = validateCloudEvent(raw, NOW);
  return result.ok ? 'ok' : result.code;
};
const pathsOf = (raw: unknown) => {
  const result = validateCloudEvent(raw, NOW);
  return result.ok ? [] : result.problems.map((p) => p.path);
};

describe('validateCloudEvent', () => {
  it('accepts a valid event and gives its time in epoch ms', () => {
    const result = validateCloudEvent(survey(), NOW);
    expect(result).toEqual({ ok: true, event: survey(), timeMs: Date.parse('2026-03-01T09:30:00Z'), canonical: canonicalEvent(survey()) });
  });

  it('accepts a datacontenttype with parameters, in any case', () => {
    expect(codeOf(survey({ datacontenttype: 'application/json; charset=utf-8' }))).toBe('ok');
    expect(codeOf(survey({ datacontenttype: 'Application/JSON' }))).toBe('ok');
    expect(codeOf(survey({ datacontenttype: 'application/jsonp' }))).toBe('invalid');
  });

  it('keeps "constructor" and "prototype" as ordinary keys', () => {
    const raw = survey({ constructor: 'x' }, { constructor: { prototype: 1 }, customer: { id: 'c1', constructor: 'y' } });
    const result = validateCloudEvent(raw, NOW);
    expect(result.ok && result.event.data).toEqual(raw.data);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])(
    'accepts datacontenttype %s (SPEC §1.1: parameters allowed)',
    (datacontenttype) => {
      expect(validateCloudEvent(survey({ datacontenttype }), NOW).ok).toBe(true);
    },
  );

  it('keeps unknown attributes and accepts an offset time', () => {
    const result = validateCloudEvent(survey({ traceparent: '00-abc', time: '2026-03-01T10:30:00+01:00' }), NOW);
    expect(result.ok && result.event.traceparent).toBe('00-abc');
    expect(result.ok && result.timeMs).toBe(Date.parse('2026-03-01T09:30:00Z'));
  });

  it.each([
    ['not an object', 'text', ['']],
    ['an array', [], ['']],
    ['wrong specversion', survey({ specversion: '0.3' }), ['specversion']],
    ['empty id', survey({ id: '' }), ['id']],
    ['id over 128 characters', survey({ id: 'x'.repeat(129) }), ['id']],
    ['source with a space', survey({ source: '/a b' }), ['source']],
    ['time without offset', survey({ time: '2026-03-01T09:30:00' }), ['time']],
    ['an impossible date', survey({ time: '2026-02-30T09:30:00Z' }), ['time']],
    ['data not an object', survey({ data: 'x' }), ['data']],
    ['a non-JSON datacontenttype', survey({ datacontenttype: 'text/xml' }), ['datacontenttype']],
    ['a JSON-like datacontenttype', survey({ datacontenttype: 'application/jsonp' }), ['datacontenttype']],
  ])('rejects %s as invalid with its path', (_name, raw, paths) => {
    expect(codeOf(raw)).toBe('invalid');
    expect(pathsOf(raw)).toEqual(expect.arrayContaining(paths));
  });

  it.each([
    ['a customer id of null', { customer: { id: null } }, 'data.customer.id', 'id must be a string of 1 to 128 characters'],
    [
      'an e-mail of null',
      { customer: { email: null } },
      'data.customer.email',
      'email must be an e-mail address of at most 254 characters',
    ],
    ['a customer of null', { customer: null }, 'data.customer', 'customer must be a JSON object'],
    [
      'a lone surrogate in a customer id',
      { customer: { id: 'S\ud800' } },
      'data.customer.id',
      'the text is not valid Unicode: it holds an unpaired UTF-16 surrogate',
    ],
    ['a NUL in a personal field', { comment: 'a\u0000b' }, 'data.comment', 'the text holds a NUL character (U+0000), which is not allowed'],
    ['a NUL in a key', { extra: { 'a\u0000': 1 } }, 'data.extra.a\u0000', 'the key holds a NUL character (U+0000), which is not allowed'],
    [
      'a __proto__ key',
      JSON.parse('{"customer":{"id":"c1","__proto__":{"x":1}}}'),
      'data.customer.__proto__',
      'a key named __proto__ is not allowed',
    ],
  ])('rejects %s as invalid, with its path and message', (_name, data, path, message) => {
    const result = validateCloudEvent(survey({}, data), NOW);
    expect(result).toEqual({ ok: false, code: 'invalid', problems: expect.arrayContaining([{ path, message }]) });
  });

  it('rejects nesting deeper than the limit without overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { deep };
    const result = validateCloudEvent(survey({}, { deep }), NOW);
    expect(result.ok || result.problems[0].message).toBe(`objects and arrays nest at most ${MAX_EVENT_DEPTH} levels deep in an event`);
    let shallow: unknown = 'bottom';
    for (let i = 0; i < MAX_EVENT_DEPTH - 3; i++) shallow = [shallow];
    expect(codeOf(survey({}, { shallow }))).toBe('ok');
  });

  it('names each problem once, with the rule it breaks', () => {
    const raw = survey({ type: 'cx.case.handoff.requested.v1', data: { customer: { id: 'c1' }, caseId: 'k1', fromTeam: 7 } });
    expect(validateCloudEvent(raw, NOW)).toEqual({
      ok: false,
      code: 'invalid',
      problems: [
        { path: 'data.toTeam', message: 'toTeam is required' },
        { path: 'data.fromTeam', message: 'fromTeam must be a string of 1 to 128 characters' },
      ],
    });
    expect(validateCloudEvent(survey({}, { channel: 'pigeon' }), NOW)).toMatchObject({
      problems: [
        {
          path: 'data.channel',
          message: 'channel must be one of phone, email, chat, web, app, social, store, letter, field_service, delivery, other',
        },
      ],
    });
  });

  it('rejects an unknown type as unknown_type', () => {
    expect(codeOf(survey({ type: 'cx.survey.answered.v2' }))).toBe('unknown_type');
  });

  it.each([
    ['a customer with no identifier', { customer: {} }, 'data.customer'],
    ['a missing customer', { customer: undefined }, 'data.customer'],
    ['a score of the wrong type', { score: '9' }, 'data.score'],
    ['an nps score of 11', { score: 11 }, 'data.score'],
    ['a csat score of 0', { survey: 'csat', score: 0 }, 'data.score'],
    ['a ces score of 8', { survey: 'ces', score: 8 }, 'data.score'],
    ['a fractional score', { score: 7.5 }, 'data.score'],
    ['an unknown survey', { survey: 'ces2' }, 'data.survey'],
    ['an unknown channel', { channel: 'pigeon' }, 'data.channel'],
    ['a bad e-mail', { customer: { email: 'nope' } }, 'data.customer.email'],
    ['empty externalIds', { customer: { externalIds: {} } }, 'data.customer.externalIds'],
    ['a comment over 4,000 characters', { comment: 'x'.repeat(4001) }, 'data.comment'],
  ])('rejects %s as invalid at its path', (_name, data, path) => {
    const raw = survey({}, data);
    expect(codeOf(raw)).toBe('invalid');
    expect(pathsOf(raw)).toContain(path);
  });

  it('checks the data rules of every other type', () => {
    const event = (type: string, data: Record<string, unknown>) => survey({ type, data: { customer: { id: 'c1' }, ...data } });
    expect(codeOf(event('cx.purchase.completed.v1', { orderId: 'o1', amountMinor: 1999, currency: 'EUR', channel: 'web' }))).toBe('ok');
    expect(pathsOf(event('cx.purchase.completed.v1', { orderId: 'o1', amountMinor: -1, currency: 'eur', channel: 'web' }))).toEqual(
      expect.arrayContaining(['data.amountMinor', 'data.currency']),
    );
    expect(
      pathsOf(event('cx.interaction.recorded.v1', { channel: 'phone', direction: 'sideways', durationSeconds: 86_401, sentiment: 2 })),
    ).toEqual(expect.arrayContaining(['data.direction', 'data.durationSeconds', 'data.sentiment']));
    expect(pathsOf(event('cx.case.opened.v1', { caseId: 'k1', category: 'praise', channel: 'email', priority: 'now' }))).toEqual(
      expect.arrayContaining(['data.category', 'data.priority']),
    );
    expect(pathsOf(event('cx.case.handoff.requested.v1', { caseId: 'k1', fromTeam: 'billing' }))).toContain('data.toTeam');
    expect(pathsOf(event('cx.customer.merged.v1', { into: {} }))).toContain('data.into');
    expect(pathsOf(event('cx.customer.referred.v1', { referred: {} }))).toContain('data.referred');
    expect(pathsOf(event('cx.customer.profiled.v1', { kind: 'b2x' }))).toContain('data.kind');
  });

  it('rejects times before 2000 and more than 5 minutes ahead as invalid_time', () => {
    expect(codeOf(survey({ time: '1999-12-31T23:59:59Z' }))).toBe('invalid_time');
    expect(codeOf(survey({ time: '2026-03-10T12:05:00.001Z' }))).toBe('invalid_time');
    expect(codeOf(survey({ time: '2026-03-10T12:05:00Z' }))).toBe('ok');
    expect(codeOf(survey({ time: '2000-01-01T00:00:00Z' }))).toBe('ok');
  });

  it('rejects an event over 64 KiB as JSON', () => {
    const padding = 'x'.repeat(MAX_EVENT_BYTES);
    expect(pathsOf(survey({ padding }))).toEqual(['']);
  });
});

describe('canonicalJson', () => {
  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { e: 1, f: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
  });

  it('gives the text of an event, and of its attributes and data apart, as canonicalJson gives each', () => {
    const event = {
      type: 't',
      data: { b: [1, { d: 1, c: undefined }], a: 'x' },
      id: '1',
      datacontenttype: 'application/json',
      x: undefined,
    };
    const { data, ...attributes } = event;
    expect(canonicalEvent(event)).toEqual({ text: canonicalJson(event), attributes: canonicalJson(attributes), data: canonicalJson(data) });
    expect(canonicalEvent({ id: '1' })).toEqual({ text: '{"id":"1"}', attributes: '{"id":"1"}', data: undefined });
  });

  it('orders keys by UTF-16 code units, as sort() orders strings, few keys or many', () => {
    const tricky = ['b', 'a', '', 'B', '10', '2', '1', '\uffff', '\ud83d\ude00', 'é', 'e', 'aa', 'a\u0000'];
    for (const keys of [tricky, tricky.slice(0, 4), [...tricky, ...tricky.map((k) => `${k}z`)]]) {
      const record = Object.fromEntries(keys.map((key, i) => [key, i]));
      const expected = `{${Object.keys(record)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${record[key]}`)
        .join(',')}}`;
      expect(canonicalJson(record)).toBe(expected);
    }
  });
});
