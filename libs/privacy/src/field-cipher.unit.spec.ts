import { isSealed, newCustomerKey, openValue, REDACTED, sealValue } from './field-cipher';
import { hasPersonalFields, mapPersonalFields } from './personal-fields';

describe('field cipher (AES-256-GCM)', () => {
  it('seals a value so that only its key opens it', () => {
    const key = newCustomerKey();
    const sealed = sealValue('ada@example.com', key);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('ada');
    expect(sealValue('ada@example.com', key)).not.toBe(sealed);
    expect(openValue(sealed, key)).toBe('ada@example.com');
    expect(openValue(sealed, undefined)).toBe(REDACTED);
    expect(openValue(sealed, newCustomerKey())).toBe(REDACTED);
    const altered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => openValue(altered, key)).toThrow();
  });
});

describe('personal fields (SPEC §1.3)', () => {
  it('finds email, phone, name, summary and comment at any depth, and nothing else', () => {
    const data = {
      customer: { id: 'c1', email: 'a@b.c', phone: '+1' },
      referred: { email: 'x@y.z' },
      name: 'Ada',
      summary: 's',
      comment: 'c',
      channel: 'web',
      score: 3,
    };
    expect(mapPersonalFields(data, (v) => v.toUpperCase())).toEqual({
      customer: { id: 'c1', email: 'A@B.C', phone: '+1' },
      referred: { email: 'X@Y.Z' },
      name: 'ADA',
      summary: 'S',
      comment: 'C',
      channel: 'web',
      score: 3,
    });
    expect(hasPersonalFields({ customer: { id: 'c1' }, channel: 'web' })).toBe(false);
    expect(hasPersonalFields({ customer: { id: 'c1', phone: '1' } })).toBe(true);
  });
});
