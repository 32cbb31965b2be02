import type { IHeaders, Message } from 'kafkajs';

export type CloudEventMode = 'structured' | 'binary';

/** A CloudEvent as a channel system would produce it to `cx.ingest`, in either mode of the Kafka binding. */
export function ingestMessage(event: Record<string, unknown>, mode: CloudEventMode, key: string | null, headers: IHeaders = {}): Message {
  if (mode === 'structured') {
    return { key, value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json', ...headers } };
  }
  const { data, datacontenttype, ...attributes } = event;
  const ce: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) ce[`ce_${name}`] = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof datacontenttype === 'string') ce['content-type'] = datacontenttype;
  return { key, value: data === undefined ? null : JSON.stringify(data), headers: { ...ce, ...headers } };
}

export type SampleEvent = Record<string, unknown> & { id: string; data: Record<string, unknown> & { customer: { id: string } } };

/**
 * The i-th valid event of a run: customers named by id only (so no identity merges add
 * events of their own), event times one second apart.
 */
export function sampleEvent(run: string, i: number, customers: number): SampleEvent {
  const customer = `${run}-c${i % customers}`;
  return {
    specversion: '1.0',
    id: `${run}-${i}`,
    source: '/channels/kafka-test',
    type: 'cx.interaction.recorded.v1',
    time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    data: { customer: { id: customer }, channel: 'chat', direction: 'inbound', durationSeconds: i % 600 },
  };
}
