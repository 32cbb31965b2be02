import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { kafkaOptionsFrom } from '@cx/kafka';
import { PrivateCluster, privateClusterTools, startPrivateCluster, stopIfStarted } from '@cx/event-store/testing';
import { findKafkaBroker, KafkaBroker, produce, readTopic, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { cloudEvent, interaction, purchase } from './support/cloud-events';
import { client, KEYS } from './support/cx-server';
import { ServerProcess, spawnServer } from './support/server-process';
import { ingestMessage } from '@cx/ingest/testing';
import { present } from '@cx/views/testing';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst,${KEYS.ops}=ops`;

/** Every file under a folder, as bytes read as latin1 so any text in it can be searched. */
function filesUnder(folder: string): Array<{ file: string; text: string }> {
  const found: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) found.push(...filesUnder(path));
    else if (stat.isFile()) found.push({ file: path, text: readFileSync(path).toString('latin1') });
  }
  return found;
}

/** Where each needle shows, as `place: needle`. */
const leaks = (places: Array<{ file: string; text: string }>, needles: string[]) =>
  places.flatMap(({ file, text }) => needles.filter((needle) => text.includes(needle)).map((needle) => `${file}: ${needle}`));

/** The messages a topic got after the given end offsets (per partition). */
async function messagesAfter(kafka: Kafka, topic: string, marks: Map<number, number>): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
  await admin.disconnect();
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  if (total === 0) return [];
  const read = await readTopic(kafka, topic, total, 30_000);
  return read
    .filter((m) => Number(m.offset) >= (marks.get(m.partition) ?? 0))
    .map((m) => `${m.key?.toString('latin1') ?? ''} ${JSON.stringify(m.headers ?? {})} ${m.value?.toString('latin1') ?? ''}`);
}

async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } catch {
    return new Map();
  } finally {
    await admin.disconnect();
  }
}

/**
 * SPEC §4.3 and issue 16.2, from outside: a customer's personal values reach the store over
 * HTTP and Kafka; ops forget them (`cx forget`); every old event of theirs is then sent again
 * over both. Nothing the system writes after that holds a personal value of theirs: no file of
 * the data folder (SQLite's WAL included) or of the PostgreSQL cluster (pg_wal included), no
 * pg_dump, no log line, no message on the topics it writes.
 */
function describeLeaks(label: string, postgres: boolean): void {
  describe(`after a forget and a redelivery, nothing holds the forgotten values (${label})`, () => {
    let cluster: PrivateCluster | undefined;
    let broker: KafkaBroker;
    let kafka: Kafka;
    let server: ServerProcess;
    let env: Record<string, string>;
    let dataDir: string;
    const prefix = uniqueTopicPrefix(`leaks-${postgres ? 'pg' : 'sqlite'}`);
    const tag = randomBytes(4).toString('hex');
    const customer = `LEAK-${tag}`;
    const secret = {
      email: `Leak.Person.${tag}@Example.com`,
      phone: `+44 20 7946 ${parseInt(tag.slice(0, 4), 16) % 10_000}`.padEnd(17, '7'),
      name: `Secretname${tag}`,
      comment: `secret comment ${tag}`,
      summary: `secret call summary ${tag}`,
    };
    const needles = [
      secret.email,
      secret.email.toLowerCase(),
      secret.phone,
      secret.phone.replace(/[^+\d]/g, ''),
      secret.name,
      secret.comment,
      secret.summary,
    ];
    const overHttp = [
      interaction({ email: secret.email }, { time: '2026-01-05T00:00:00Z' }, { summary: secret.summary }),
      purchase({ id: customer, email: secret.email, phone: secret.phone }, { time: '2026-01-06T00:00:00Z' }),
    ];
    const overKafka = [
      cloudEvent(
        'cx.survey.answered.v1',
        { customer: { id: customer }, survey: 'nps', score: 3, comment: secret.comment },
        { time: '2026-01-07T00:00:00Z' },
      ),
      cloudEvent(
        'cx.customer.profiled.v1',
        { customer: { id: customer }, name: secret.name, segment: 'gold' },
        { time: '2026-01-08T00:00:00Z' },
      ),
    ];

    beforeAll(async () => {
      broker = await findKafkaBroker();
      kafka = testKafka(broker.brokers);
      dataDir = mkdtempSync(join(tmpdir(), 'cx-leaks-'));
      env = {
        CX_DATA_DIR: dataDir,
        CX_API_KEYS: API_KEYS,
        CX_KAFKA_BROKERS: broker.brokers.join(','),
        CX_KAFKA_TOPIC_PREFIX: prefix,
        CX_CHECKPOINT_INTERVAL_SECONDS: '1',
        LOG_LEVEL: 'info',
      };
      if (postgres) {
        const tools = privateClusterTools();
        if ('missing' in tools) throw new Error(`a private PostgreSQL cluster is needed: ${tools.missing}`);
        cluster = await startPrivateCluster(tools);
        Object.assign(env, { CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: cluster.url });
      }
      server = await spawnServer(env);
    }, 180_000);

    afterAll(async () => {
      await stopIfStarted(server, (it) => it.child.exitCode === null && it.child.kill('SIGKILL'));
      cluster?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await stopIfStarted(broker, (it) => it.release());
    });

    it('holds none of their personal values anywhere it writes', async () => {
      const topics = kafkaOptionsFrom({ kafkaBrokers: broker.brokers }, { CX_KAFKA_TOPIC_PREFIX: prefix }).topics;
      const ingest = client(server.url, KEYS.ingest);
      const health = async () => (await client(server.url).get('/health')).body?.info?.eventStore?.headPosition ?? 0;
      const send = async () => {
        expect((await ingest.post('/v1/events', overHttp)).status).toBe(202);
        await produce(
          kafka,
          topics.ingest,
          overKafka.map((e, i) => ingestMessage(e, i % 2 ? 'binary' : 'structured', customer)),
        );
      };
      await send();
      // Four events and the merge of the anonymous history.
      await waitFor(
        async () => (await health()) >= 5,
        60_000,
        async () => `head ${await health()}`,
      );
      await waitFor(
        async () => (await client(server.url, KEYS.analyst).get(`/v1/customers/${customer}?after=5`)).status === 200,
        60_000,
        () => 'views',
      );
      await waitFor(
        async () => [...(await endOffsets(kafka, topics.events)).values()].reduce((a, b) => a + b, 0) >= 5,
        60_000,
        () => 'the relay',
      );

      const systemTopics = [topics.events, topics.checkpoints, topics.deadLetters, `${prefix}cx.alerts`];
      const marks = new Map(await Promise.all(systemTopics.map(async (t) => [t, await endOffsets(kafka, t)] as const)));
      const logMark = server.output().length;

      const forgot = spawnSync(process.execPath, [CX, 'forget', customer], {
        env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(forgot.stderr).toBe('');
      expect(forgot.stdout).toContain(`forgot ${customer}: 2 key(s) deleted`);
      if (postgres) {
        expect(forgot.stdout).toContain('ran: VACUUM cx_events.identities, cx_events.identity_conflicts, public.cx_customer_keys');
        expect(forgot.stdout).toContain('ran: SELECT pg_switch_wal()');
      }

      // Every old event of theirs again, over both, then one more event to know the consumer is past them.
      await send();
      const sentinel = cloudEvent('cx.interaction.recorded.v1', {
        customer: { id: `other-${tag}` },
        channel: 'chat',
        direction: 'inbound',
      });
      await produce(kafka, topics.ingest, [ingestMessage(sentinel, 'structured', `other-${tag}`)]);
      await waitFor(
        async () => (await health()) >= 7,
        60_000,
        async () => `head ${await health()}`,
      );
      await waitFor(
        async () => (await client(server.url, KEYS.ops).get('/v1/ops/checkpoints')).body.checkpoints[0]?.size >= 7,
        30_000,
        () => 'a checkpoint of the head',
      );
      await waitFor(
        async () => [...(await endOffsets(kafka, topics.events)).values()].reduce((a, b) => a + b, 0) >= 7,
        60_000,
        () => 'the relay',
      );
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));

      const places = [
        ...filesUnder(dataDir),
        ...(cluster ? [...filesUnder(cluster.folder), { file: 'pg_dump', text: cluster.dump() }] : []),
        { file: 'server log after the forget', text: server.output().slice(logMark) },
        { file: 'cx forget output', text: forgot.stdout + forgot.stderr },
      ];
      for (const topic of systemTopics) {
        places.push(
          ...(await messagesAfter(kafka, topic, present(marks.get(topic)))).map((text, i) => ({ file: `${topic} message ${i}`, text })),
        );
      }
      expect(
        places.some((p) => p.file.includes('pg_wal') || p.file.endsWith('events.sqlite-wal') || p.file.endsWith('events.sqlite')),
      ).toBe(true);
      expect(leaks(places, needles)).toEqual([]);
      // The test can fail: before the forget, cx.events carried their values in clear.
      const before = await messagesAfter(kafka, topics.events, new Map());
      expect(
        leaks(
          before.map((text, i) => ({ file: `${i}`, text })),
          [secret.comment],
        ).length,
      ).toBeGreaterThan(0);
    });
  });
}

describeLeaks('embedded SQLite', false);
describeLeaks('PostgreSQL, its data directory and WAL', true);
