import { readIngestMessage } from './ingest-message';

const event = {
  specversion: '1.0',
  id: 'e-1',
  source: '/channels/chat',
  type: 'cx.interaction.recorded.v1',
  time: '2026-03-01T09:30:00Z',
  data: { customer: { id: 'c-1' } },
};

describe('readIngestMessage (CloudEvents Kafka binding)', () => {
  it('reads structured mode with or without the CloudEvents content type', () => {
    const value = Buffer.from(JSON.stringify(event));
    expect(readIngestMessage({ value })).toEqual({ ok: true, mode: 'structured', event });
    expect(readIngestMessage({ value, headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' } })).toEqual({
      ok: true,
      mode: 'structured',
      event,
    });
  });

  it('reads binary mode: ce_ headers are attributes, content-type is datacontenttype, the value is data', () => {
    const message = {
      value: Buffer.from(JSON.stringify(event.data)),
      headers: {
        ce_specversion: Buffer.from('1.0'),
        ce_id: 'e-1',
        ce_source: '/channels/chat',
        ce_type: event.type,
        ce_time: event.time,
        ce_tenant: 'north',
        'content-type': 'application/json',
        other: 'ignored',
      },
    };
    expect(readIngestMessage(message)).toEqual({
      ok: true,
      mode: 'binary',
      event: {
        specversion: '1.0',
        id: 'e-1',
        source: '/channels/chat',
        type: event.type,
        time: event.time,
        tenant: 'north',
        datacontenttype: 'application/json',
        data: event.data,
      },
    });
  });

  it('names the transport problem: bad JSON in either mode, or a content type that is no CloudEvent', () => {
    expect(readIngestMessage({ value: Buffer.from('{nope') })).toMatchObject({
      ok: false,
      error: 'malformed_json',
      problems: [{ path: '' }],
    });
    expect(readIngestMessage({ value: Buffer.from('{nope'), headers: { ce_specversion: '1.0' } })).toMatchObject({
      ok: false,
      error: 'malformed_json',
      problems: [{ path: 'data' }],
    });
    expect(readIngestMessage({ value: null })).toMatchObject({ ok: false, error: 'malformed_json' });
    expect(readIngestMessage({ value: Buffer.from('{}'), headers: { 'content-type': 'text/plain' } })).toMatchObject({
      ok: false,
      error: 'unsupported_content_type',
    });
  });

  it('leaves the event itself to the ingest command: a binary message without data is passed on for the validator to reject', () => {
    expect(readIngestMessage({ value: null, headers: { ce_specversion: '1.0', ce_id: 'x' } })).toEqual({
      ok: true,
      mode: 'binary',
      event: { specversion: '1.0', id: 'x' },
    });
  });
});
