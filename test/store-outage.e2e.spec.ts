import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { kafkaOptionsFrom, KafkaTopics } from '@cx/kafka';
import { withClient, PrivateCluster, privateClusterTools, startPrivateCluster, stopIfStarted } from '@cx/event-store/testing';
import { findKafkaBroker, KafkaBroker, messageCount, produce, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { client, KEYS } from './support/cx-server';
import { killHard, ServerProcess, spawnServer } from './support/server-process';
import { ingestMessage, sampleEvent, SampleEvent } from '@cx/ingest/testing';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst,${KEYS.ops}=ops`;

/**
 * SPEC §4.1 and issue 15.2: PostgreSQL (events and views) shut down under the running
 * server and started again. The built server runs as its own process, with Kafka ingest
 * and the relay, as in production. Its PostgreSQL is a private cluster, so the shared
 * server other suites use is never stopped.
 */
describe('PostgreSQL going away and coming back under a running server', () => {
  let cluster: PrivateCluster;
  let broker: KafkaBroker;
  let kafka: Kafka;
  let topics: KafkaTopics;
  let server: ServerProcess;
  let env: Record<string, string>;
  let dataDir: string;
  const run = uniqueTopicPrefix('pg-outage');

  beforeAll(async () => {
    const tools = privateClusterTools();
    if ('missing' in tools) throw new Error(`a private PostgreSQL cluster is needed: ${tools.missing}`);
    cluster = await startPrivateCluster(tools);
    broker = await findKafkaBroker();
    kafka = testKafka(broker.brokers);
    topics = kafkaOptionsFrom({ kafkaBrokers: broker.brokers }, { CX_KAFKA_TOPIC_PREFIX: run }).topics;
    dataDir = mkdtempSync(join(tmpdir(), 'cx-pg-outage-'));
    env = {
      CX_DATA_DIR: dataDir,
      CX_API_KEYS: API_KEYS,
      CX_EVENT_STORE: 'postgres',
      CX_VIEW_STORE: 'postgres',
      CX_POSTGRES_URL: cluster.url,
      CX_KAFKA_BROKERS: broker.brokers.join(','),
      CX_KAFKA_TOPIC_PREFIX: run,
    };
    server = await spawnServer(env);
  }, 180_000);

  afterAll(async () => {
    await stopIfStarted(server, (it) => (it.child.exitCode === null && it.child.signalCode === null ? killHard(it) : undefined));
    await stopIfStarted(cluster, (it) => it.stop());
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await stopIfStarted(broker, (it) => it.release());
  });

  it('stays up, answers 503 while the store is away, then serves and ingests again with nothing lost', async () => {
    const ingest = client(server.url, KEYS.ingest);
    const analyst = client(server.url, KEYS.analyst);
    const sent = new Set<string>();
    const overHttp = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => withEmail(sampleEvent(`${run}http`, from + i, 40)));
    const postAll = async (events: SampleEvent[]) => {
      const answer = await ingest.post('/v1/events', events);
      expect(answer.status).toBe(202);
      for (const result of answer.body) expect(['accepted', 'duplicate']).toContain(result.status);
      events.forEach((e) => sent.add(e.id));
    };
    const produceEvents = async (from: number, count: number) => {
      const events = Array.from({ length: count }, (_, i) => sampleEvent(`${run}kafka`, from + i, 40));
      await produce(
        kafka,
        topics.ingest,
        events.map((e, i) => ingestMessage(e, i % 2 ? 'binary' : 'structured', e.data.customer.id)),
      );
      events.forEach((e) => sent.add(e.id));
    };

    await postAll(overHttp(0, 150));
    await produceEvents(0, 150);
    await waitFor(
      async () => (await storedCount(cluster.url)) === 300,
      60_000,
      async () => `${await storedCount(cluster.url)} of 300 stored`,
    );
    await caughtUp(analyst, 300);
    // Idle for a moment, so the pool holds idle connections when the server goes away.
    await sleep(1_000);

    await cluster.shutDown();
    await sleep(1_500);
    expect(server.child.exitCode).toBeNull();
    const refused = await ingest.post('/v1/events', overHttp(150, 10));
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'store_unavailable', message: expect.any(String) });
    const read = await analyst.get('/v1/customers?limit=5');
    expect(read.status).toBe(503);
    expect(read.body).toMatchObject({ error: 'store_unavailable', message: expect.any(String) });
    const health = await client(server.url).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ error: 'unavailable', details: { eventStore: { status: 'down' }, viewStore: { status: 'down' } } });
    // Channel systems keep producing to Kafka meanwhile: those wait for the store, they are not lost.
    await produceEvents(150, 150);
    await sleep(3_000);
    expect(server.child.exitCode).toBeNull();

    await cluster.start();
    await waitFor(
      async () => (await client(server.url).get('/health')).status === 200,
      60_000,
      () => 'readiness after the restart',
    );
    await postAll(overHttp(150, 150));
    await waitFor(
      async () => (await storedCount(cluster.url)) === sent.size,
      90_000,
      async () => `${await storedCount(cluster.url)} of ${sent.size} stored`,
    );
    expect(await distinctStoredIds(cluster.url)).toEqual([...sent].sort());
    await caughtUp(analyst, sent.size);
    await waitFor(
      async () => (await messageCount(kafka, topics.events).catch(() => 0)) >= sent.size,
      60_000,
      () => 'the relay to publish every event',
    );
    expect(await messageCount(kafka, topics.deadLetters).catch(() => 0)).toBe(0);
    expect(server.child.exitCode).toBeNull();

    // Views equal a rebuild from the events, row by row (cx verify also checks every chain).
    const verify = spawnSync(process.execPath, [CX, 'verify'], {
      env: { ...process.env, ...env, CX_KAFKA_BROKERS: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(verify.stdout).toMatch(new RegExp(`ok: ${sent.size} events in \\d+ streams check`));
    expect(verify.stdout).not.toContain('FAILED');
    expect(verify.status).toBe(0);
  });
});

/** Some events name an e-mail too, so the identity directory is written through the outage. */
function withEmail(event: SampleEvent): SampleEvent {
  const customer = event.data.customer.id;
  const data = { ...event.data, customer: { id: customer, email: `${customer}@example.com` } };
  return { ...event, data };
}

async function storedCount(url: string): Promise<number> {
  try {
    return await withClient(url, async (c) => Number((await c.query('SELECT count(*) AS n FROM cx_events.events')).rows[0].n));
  } catch {
    return -1;
  }
}

async function distinctStoredIds(url: string): Promise<string[]> {
  return withClient(url, async (c) =>
    (await c.query<{ event_id: string }>('SELECT DISTINCT event_id FROM cx_events.events')).rows.map((r) => r.event_id).sort(),
  );
}

/** Read your writes: the lifecycle views have processed the store's head. */
async function caughtUp(analyst: ReturnType<typeof client>, head: number): Promise<void> {
  await waitFor(
    async () => (await analyst.get(`/v1/customers?limit=1&after=${head}`)).status === 200,
    60_000,
    () => `views at position ${head}`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
