import { createHash } from 'node:crypto';
import { anonymousCustomerId, identifierKeys } from './customer-identifiers';
import { resolveCustomer } from './customer-resolution';
import { batchKeys, resolveBatch } from './batch-resolver';

const links = (entries: Record<string, string>) => (key: string) => entries[key];

describe('identifierKeys', () => {
  it('normalises and orders e-mail, phone, then external ids by system name', () => {
    expect(identifierKeys({ externalIds: { shop: 'S1', crm: 'A-77' }, phone: '+44 (20) 7946-0958', email: '  Ada@Example.COM ' })).toEqual([
      'email:ada@example.com',
      'phone:+442079460958',
      'ext:crm:A-77',
      'ext:shop:S1',
    ]);
  });
});

describe('resolveCustomer (SPEC §1.2)', () => {
  it('step 1: an id is the customer, and its other identifiers are linked to it', () => {
    expect(resolveCustomer({ id: 'C1', email: 'a@x.io' }, links({}))).toEqual({
      customerId: 'C1',
      links: [{ key: 'email:a@x.io', customerId: 'C1' }],
      merges: [],
      conflicts: [],
    });
  });

  it('step 2: the first linked identifier in lookup order wins', () => {
    const resolution = resolveCustomer(
      { email: 'a@x.io', phone: '123', externalIds: { crm: '9' } },
      links({ 'phone:123': 'C2', 'ext:crm:9': 'C3' }),
    );
    expect(resolution.customerId).toBe('C2');
    expect(resolution.links).toEqual([{ key: 'email:a@x.io', customerId: 'C2' }]);
  });

  it('step 3: otherwise anon- and 16 hex digits of the SHA-256 of the first identifier', () => {
    const expected = 'anon-' + createHash('sha256').update('email:a@x.io').digest('hex').slice(0, 16);
    expect(resolveCustomer({ phone: '1', email: ' A@X.io' }, links({})).customerId).toBe(expected);
    expect(anonymousCustomerId('ext:crm:A-77')).toMatch(/^anon-[0-9a-f]{16}$/);
  });

  it('step 4: an id linking an identifier of an anon customer merges that customer', () => {
    const anon = anonymousCustomerId('email:a@x.io');
    const resolution = resolveCustomer({ id: 'C1', email: 'a@x.io' }, links({ 'email:a@x.io': anon }));
    expect(resolution.merges).toEqual([{ from: anon, into: 'C1' }]);
    expect(resolution.links).toEqual([{ key: 'email:a@x.io', customerId: 'C1' }]);
  });

  it('step 4: an identifier of another named customer is not moved but reported', () => {
    const resolution = resolveCustomer({ id: 'C1', email: 'a@x.io' }, links({ 'email:a@x.io': 'C9' }));
    expect(resolution).toEqual({
      customerId: 'C1',
      links: [],
      merges: [],
      conflicts: [{ key: 'email:a@x.io', linkedTo: 'C9', claimedBy: 'C1' }],
    });
  });
});

describe('resolveBatch', () => {
  const event = (ref: Record<string, unknown>, id: string) => ({ ref, eventSource: '/s', eventId: id });

  it('lets later events of a batch see the links and merges of earlier ones', () => {
    const anon = anonymousCustomerId('email:a@x.io');
    const events = [
      event({ email: 'a@x.io', phone: '555' }, '1'),
      event({ phone: '555' }, '2'),
      event({ id: 'C1', email: 'a@x.io' }, '3'),
      event({ phone: '555' }, '4'),
    ];
    expect(batchKeys(events)).toEqual(['email:a@x.io', 'phone:555']);
    const { resolutions, changes } = resolveBatch(events, new Map());
    expect(resolutions.map((r) => r.customerId)).toEqual([anon, anon, 'C1', 'C1']);
    expect(changes.merges).toEqual([{ from: anon, into: 'C1' }]);
  });
});
