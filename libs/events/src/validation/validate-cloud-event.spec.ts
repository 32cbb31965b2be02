import { canonicalJson } from '../canonical-json';
import { MAX_EVENT_BYTES, validateCloudEvent } from './validate-cloud-event';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const survey = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  specversion: '1.0', id: 'evt-1', source: '/channels/survey-tool', type: 'cx.survey.answered.v1', time: '2026-03-01T09:30:00Z',
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
    expect(result).toEqual({ ok: true, event: survey(), timeMs: Date.parse('2026-03-01T09:30:00Z') });
  });

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
  ])('rejects %s as invalid with its path', (_name, raw, paths) => {
    expect(codeOf(raw)).toBe('invalid');
    expect(pathsOf(raw)).toEqual(expect.arrayContaining(paths));
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
    expect(pathsOf(event('cx.purchase.completed.v1', { orderId: 'o1', amountMinor: -1, currency: 'eur', channel: 'web' })))
      .toEqual(expect.arrayContaining(['data.amountMinor', 'data.currency']));
    expect(pathsOf(event('cx.interaction.recorded.v1', { channel: 'phone', direction: 'sideways', durationSeconds: 86_401, sentiment: 2 })))
      .toEqual(expect.arrayContaining(['data.direction', 'data.durationSeconds', 'data.sentiment']));
    expect(pathsOf(event('cx.case.opened.v1', { caseId: 'k1', category: 'praise', channel: 'email', priority: 'now' })))
      .toEqual(expect.arrayContaining(['data.category', 'data.priority']));
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
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { e: 1, f: 2 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
  });
});
