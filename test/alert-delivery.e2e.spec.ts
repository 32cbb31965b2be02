import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { alertId } from '@cx/views';
import { OwnKafkaBroker, startOwnKafkaBroker, readTopic, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { client, KEYS } from './support/cx-server';
import { killHard, spawnServer, type ServerProcess } from './support/server-process';
import { WebhookReceiver } from './support/webhook-receiver';
import { present } from '@cx/views/testing';

const SECRET = 'delivery-e2e-secret';
const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst,${KEYS.ops}=ops`;
const PROJECTIONS = ['alerts', 'cases', 'lifecycle', 'loyalty'];

/**
 * Delivery from the outside (SPEC §2.4): the built server as a process, a real broker of
 * the test's own and a local webhook receiver that checks signatures. Detractor answers
 * and their follow-up calls are posted in waves while the server is killed with SIGKILL,
 * the broker is stopped and started, and every projection is rebuilt: every alert must
 * reach the receiver and `cx.alerts`, none may be missing, and a repeat carries the id it
 * had; nothing delivered before the rebuild is sent again because of it.
 */
describe('alert delivery through kill -9, a broker restart and a rebuild', () => {
  const receiver = new WebhookReceiver(SECRET);
  const prefix = uniqueTopicPrefix('alerts');
  let broker: OwnKafkaBroker | null;
  let kafka: Kafka;
  let dataDir: string;
  let server: ServerProcess | undefined;
  let sequence = 0;
  const expected = new Set<string>();

  beforeAll(async () => {
    broker = await startOwnKafkaBroker();
    if (!broker) throw new Error('no Kafka broker to run against');
    kafka = testKafka(broker.brokers);
    dataDir = mkdtempSync(join(tmpdir(), 'cx-alert-delivery-'));
    await receiver.start();
  });

  afterAll(async () => {
    if (server) await killHard(server);
    await receiver.stop();
    await broker?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    server = await spawnServer({
      CX_DATA_DIR: dataDir,
      CX_API_KEYS: API_KEYS,
      CX_KAFKA_BROKERS: present(broker).brokers.join(','),
      CX_KAFKA_TOPIC_PREFIX: prefix,
      CX_WEBHOOK_URLS: receiver.url,
      CX_WEBHOOK_SECRET: SECRET,
    });
  };

  /** A wave of customers, each answering NPS 2 a minute ago; every other one is called back just now. */
  async function wave(label: string, customers: number): Promise<number> {
    const now = Date.now();
    const events = Array.from({ length: customers }, (_, i) => {
      const customerId = `${label}-${i}`;
      const answeredAt = now - 60_000 - i;
      const id = alertId('detractor', customerId, answeredAt);
      expected.add(`cx.alert.raised.v1|${id}`);
      const answer = {
        specversion: '1.0',
        id: `d-${++sequence}`,
        source: '/channels/survey',
        type: 'cx.survey.answered.v1',
        time: new Date(answeredAt).toISOString(),
        data: { customer: { id: customerId }, survey: 'nps', score: 2 },
      };
      if (i % 2 === 1) return [answer];
      expected.add(`cx.alert.followed_up.v1|${id}`);
      const call = {
        specversion: '1.0',
        id: `d-${++sequence}`,
        source: '/channels/call-centre',
        type: 'cx.interaction.recorded.v1',
        time: new Date(now - 1000).toISOString(),
        data: { customer: { id: customerId }, channel: 'phone', direction: 'outbound', team: 'care' },
      };
      return [answer, call];
    }).flat();
    const answer = await client(present(server).url, KEYS.ingest).post('/v1/events', events);
    expect(answer.status).toBe(202);
    expect(answer.body.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    return Math.max(...answer.body.map((r: { position: number }) => r.position));
  }

  const metrics = async () => (await client(present(server).url, KEYS.ops).get('/metrics')).body as string;
  const received = () => `${receiver.distinct().size} of ${expected.size} distinct, ${receiver.received.length} deliveries`;
  const allReceived = () => [...expected].every((key) => receiver.distinct().has(key));

  it('delivers every alert, to the webhook and to cx.alerts, never lost, repeats with the same id', async () => {
    await start();
    await wave('w1', 30);
    await waitFor(() => receiver.received.length > 0, 30_000, received);

    // kill -9 while the next wave is being projected and delivered.
    await wave('w2', 40);
    await killHard(present(server));
    await start();
    await wave('w3', 20);
    await waitFor(allReceived, 90_000, received);

    // The broker goes away while alerts keep coming: webhooks carry on, Kafka catches up after.
    await present(broker).stop();
    await wave('w4', 20);
    await waitFor(allReceived, 60_000, received);
    await present(broker).start();
    // Kafka catches up, and any delivery the killed process had claimed is sent after its lease.
    await waitFor(async () => /cx_alert_oldest_undelivered_seconds 0\n/.test(await metrics()), 120_000, metrics);

    // Every projection rebuilt from the first event: nothing delivered before is sent again.
    const beforeRebuild = receiver.received.length;
    const ops = client(present(server).url, KEYS.ops);
    const generations = new Map<string, number>(
      (await ops.get('/v1/ops/projections')).body.projections.map((p: { name: string; generation: number }) => [p.name, p.generation]),
    );
    for (const name of PROJECTIONS) expect((await ops.post(`/v1/ops/projections/${name}/rebuild`)).status).toBe(202);
    await waitFor(
      async () => {
        const status = (await ops.get('/v1/ops/projections')).body.projections as Array<{
          name: string;
          generation: number;
          rebuilding: unknown;
        }>;
        return PROJECTIONS.every((name) =>
          status.some((p) => p.name === name && p.generation > present(generations.get(name)) && p.rebuilding === null),
        );
      },
      120_000,
      async () => JSON.stringify((await ops.get('/v1/ops/projections')).body),
    );
    const last = await wave('w5', 10);
    await waitFor(allReceived, 60_000, received);
    // Let any stray repeat arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const repeatedAfterRebuild = receiver.received
      .slice(beforeRebuild)
      .filter((r) => receiver.received.slice(0, beforeRebuild).some((b) => b.id === r.id && b.type === r.type));
    expect(repeatedAfterRebuild).toEqual([]);
    expect([...receiver.distinct()].sort()).toEqual([...expected].sort());
    expect(receiver.received.every((r) => r.signed)).toBe(true);

    const topic = `${prefix}cx.alerts`;
    const messages = await readTopic(kafka, topic, expected.size, 90_000);
    const onKafka = messages.map(
      (m) => JSON.parse(present(m.value).toString('utf8')) as { id: string; type: string; data: { customerId: string } },
    );
    expect(new Set(onKafka.map((e) => `${e.type}|${e.id}`))).toEqual(expected);
    expect(messages.every((m, i) => m.key?.toString('utf8') === onKafka[i].data.customerId)).toBe(true);

    const alerts = await client(present(server).url, KEYS.analyst).get(`/v1/alerts?after=${last}&limit=1000&signal=detractor`);
    expect(alerts.body.alerts).toHaveLength([...expected].filter((k) => k.startsWith('cx.alert.raised')).length);
    process.stdout.write(
      `alert delivery: ${expected.size} alert events, ${receiver.received.length} webhook deliveries (${receiver.received.length - expected.size} repeats), ${messages.length} Kafka messages\n`,
    );
  });
});
