import { hash } from 'node:crypto';
import { canonicalJson } from '@cx/events';
import { chainHash, HashedContent } from './hash-chain';

/** SPEC §4.2 as first written: SHA-256 of the previous hash, a newline, and the canonical JSON of the content's fields. */
const specHash = (previousHash: string | null, c: HashedContent): string => {
  const { streamId, revision, customerId, source, id, type, time, recordedAt, attributes, data } = c;
  const canonical = canonicalJson({ streamId, revision, customerId, source, id, type, time, recordedAt, attributes, data });
  return hash('sha256', `${previousHash ?? ''}\n${canonical}`, 'hex');
};

const content = (over: Partial<HashedContent> = {}): HashedContent => ({
  streamId: 'cus_1',
  revision: 3,
  customerId: 'cus_1',
  source: '/channels/"quoted"\\',
  id: 'é-1\u2028',
  type: 'cx.interaction.recorded.v1',
  time: 1_767_225_600_000,
  recordedAt: 1_767_225_601_234,
  attributes: { type: 'cx.interaction.recorded.v1', specversion: '1.0', id: 'é-1', extension: undefined, zz: [1, undefined] },
  data: { summary: 'cx-enc:v1:abcd:xyz', customer: { id: 'c-1', email: 'a@b' }, channel: 'chat', nested: [{ b: 1, a: null }] },
  ...over,
});

describe('chainHash', () => {
  it('hashes the same bytes as the canonical JSON of the content, keys sorted', () => {
    for (const previous of [null, 'a'.repeat(64)]) expect(chainHash(previous, content())).toBe(specHash(previous, content()));
  });

  it('leaves out data that is undefined and writes data of any JSON kind as canonicalJson does', () => {
    for (const data of [undefined, null, 'text', 0, -0, 1.5e300, [], {}, [{ y: 2, x: 1 }], true])
      expect(chainHash('p', content({ data }))).toBe(specHash('p', content({ data })));
  });

  it('takes canonical texts made beforehand only for the very objects they were made from', () => {
    const c = content();
    const attributes = c.attributes as object;
    const data = c.data as object;
    const made = { attributes: canonicalJson(attributes), data: canonicalJson(data), of: { attributes, data } };
    expect(chainHash('p', { ...c, canonical: made })).toBe(specHash('p', c));
    // Texts that do not match their objects show which ones were used.
    const wrong = { attributes: '{"forged":1}', data: '{"forged":2}' };
    expect(chainHash('p', { ...c, canonical: { ...wrong, of: { attributes, data } } })).not.toBe(specHash('p', c));
    const sealed = { ...c, data: { summary: 'cx-enc:v1:other' }, canonical: { ...made, data: wrong.data } };
    expect(chainHash('p', sealed)).toBe(specHash('p', sealed));
    const otherAttributes = { ...c, attributes: { id: 'x' }, canonical: { ...made, attributes: wrong.attributes } };
    expect(chainHash('p', otherAttributes)).toBe(specHash('p', otherAttributes));
  });

  it('covers every field: changing any one changes the hash', () => {
    const base = chainHash(null, content());
    const changes: Array<Partial<HashedContent>> = [
      { streamId: 'cus_2' },
      { revision: 4 },
      { customerId: 'cus_2' },
      { source: '/other' },
      { id: 'other' },
      { type: 'cx.purchase.completed.v1' },
      { time: 1 },
      { recordedAt: 1 },
      { attributes: {} },
      { data: {} },
    ];
    for (const change of changes) expect(chainHash(null, content(change))).not.toBe(base);
  });
});
