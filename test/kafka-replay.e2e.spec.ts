import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readCanonicalMessage } from '@cx/kafka';
import { findKafkaBroker, KafkaBroker, readTopic, testKafka, uniqueTopicPrefix } from '@cx/kafka/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { interaction, purchase } from './support/cloud-events';
import { stopIfStarted } from '@cx/event-store/testing';

const CX = join(__dirname, '..', 'bin', 'cx.js');

/** Issue 8: `cx replay --to-kafka` re-emits a customer's stored events for a downstream system that lost them. */
describe('cx replay --to-kafka', () => {
  let broker: KafkaBroker;
  let server: RunningServer;
  beforeAll(async () => {
    broker = await findKafkaBroker();
    server = await startServer();
  });
  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    await stopIfStarted(broker, (it) => it.release());
  });

  it("produces a customer's events, merged history included, as canonical messages keyed by customer", async () => {
    const posted = await client(server.url, KEYS.ingest).post('/v1/events', [
      interaction({ email: 'replay@example.com' }, { time: '2026-01-01T00:00:00Z' }, { summary: 'first call' }),
      purchase({ id: 'REPLAY1', email: 'replay@example.com' }, { time: '2026-01-02T00:00:00Z' }),
      purchase({ id: 'OTHER1' }, { time: '2026-01-03T00:00:00Z' }),
    ]);
    const after = Math.max(...posted.body.map((r: { position: number }) => r.position));
    await client(server.url, KEYS.analyst).get(`/v1/customers/REPLAY1?after=${after}`);
    const topic = `${uniqueTopicPrefix('replay')}replayed`;
    const env = { ...process.env, CX_DATA_DIR: server.dataDir, CX_API_KEYS: 'k=ops', CX_KAFKA_BROKERS: broker.brokers.join(',') };
    const run = spawnSync(process.execPath, [CX, 'replay', '--to-kafka', topic, '--customer', 'REPLAY1'], { env, encoding: 'utf8' });
    expect(run.stderr).toContain('replayed 3 events');
    expect(run.status).toBe(0);

    const messages = await readTopic(testKafka(broker.brokers), topic, 3);
    // Two streams, two keys: partitions may interleave them, so order by position.
    const events = messages.map((m) => ({ key: m.key?.toString(), ...readCanonicalMessage(m) })).sort((a, b) => a.position - b.position);
    // One batch, one write per stream: the anonymous stream (interaction, then the merge it led to) comes first.
    expect(events.map((e) => e.attributes.type)).toEqual([
      'cx.interaction.recorded.v1',
      'cx.customer.merged.v1',
      'cx.purchase.completed.v1',
    ]);
    expect(events[0].data).toMatchObject({ summary: 'first call' });
    expect(events.every((e) => e.key === e.customerId)).toBe(true);
    expect(spawnSync(process.execPath, [CX, 'replay', '--to-kafka', topic, '--to-file', '-'], { env, encoding: 'utf8' }).status).toBe(2);
  });
});
