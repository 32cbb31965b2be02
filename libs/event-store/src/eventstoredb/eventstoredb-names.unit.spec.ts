import { customerStreamOf, eventIdOf, keyStreamOf, streamIdOf, uuidV5 } from './eventstoredb-names';

describe('EventStoreDB names', () => {
  it('makes RFC 4122 version 5 UUIDs (the RFC example: www.example.com in the DNS namespace)', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives one event id and one key stream per (source, id), different for any other pair', () => {
    expect(eventIdOf('/channels/crm', 'e-1')).toBe(eventIdOf('/channels/crm', 'e-1'));
    expect(eventIdOf('/channels/crm', 'e-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdOf('/channels/crm', 'e-1')).not.toBe(eventIdOf('/channels/crm', 'e-2'));
    expect(eventIdOf('/a', 'b/c')).not.toBe(eventIdOf('/a/b', 'c'));
    expect(keyStreamOf('/a', 'b/c')).not.toBe(keyStreamOf('/a/b', 'c'));
    expect(keyStreamOf('/channels/crm', 'e-1')).toMatch(/^cx-key-[0-9a-f]{64}$/);
  });

  it('names a customer stream customer-<id> and back', () => {
    expect(customerStreamOf('c-42')).toBe('customer-c-42');
    expect(streamIdOf(customerStreamOf('anon-1f-x'))).toBe('anon-1f-x');
  });
});
