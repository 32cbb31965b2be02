import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignerProtocol, Kafka } from 'kafkajs';
import { kafkaOptionsFrom } from '@cx/kafka';
import { describeWithPostgres, withClient, stopIfStarted } from '@cx/event-store/testing';
import { findKafkaBroker, KafkaBroker, messageCount, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { client, KEYS } from './support/cx-server';
import { randomJourneys } from './support/random-journeys';
import { killHard, ServerProcess, spawnServer } from './support/server-process';
import { present } from '@cx/views/testing';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const PROJECTIONS = ['cases', 'lifecycle', 'loyalty'];

/**
 * Issue 4's scale-out of views, as an operator runs it: one ingest+query process and
 * several projector processes with CX_PROJECTOR_SOURCE=kafka, all on PostgreSQL, sharing
 * the partitions of cx.events in one consumer group per projection. Along the way a
 * projector is killed with SIGKILL, then the whole projector tier, the relay is made to
 * publish a stretch again (as after a crash between the broker's ack and its checkpoint),
 * and a projection is rebuilt. At the end every view must equal a rebuild row by row.
 */
describeWithPostgres('projectors sharing cx.events partitions', (database) => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let dataDir: string;
  let env: Record<string, string>;
  const run = uniqueTopicPrefix('parts');
  const spawned: ServerProcess[] = [];

  beforeAll(async () => {
    broker = await findKafkaBroker();
    kafka = testKafka(broker.brokers);
    dataDir = mkdtempSync(join(tmpdir(), 'cx-partitioned-'));
    env = {
      CX_DATA_DIR: dataDir,
      CX_EVENT_STORE: 'postgres',
      CX_VIEW_STORE: 'postgres',
      CX_POSTGRES_URL: database.url,
      CX_KAFKA_BROKERS: broker.brokers.join(','),
      CX_KAFKA_TOPIC_PREFIX: run,
      CX_PROJECTOR_SOURCE: 'kafka',
      CX_API_KEYS: `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst,${KEYS.ops}=ops`,
    };
  });
  afterAll(async () => {
    for (const server of spawned) if (server.child.exitCode === null && server.child.signalCode === null) await killHard(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await stopIfStarted(broker, (it) => it.release());
  });

  const spawn = async (roles: string) => {
    const server = await spawnServer({ ...env, CX_ROLES: roles });
    spawned.push(server);
    return server;
  };
  const group = (projection: string) =>
    `${kafkaOptionsFrom({ kafkaBrokers: broker.brokers }, { CX_KAFKA_TOPIC_PREFIX: run }).projectorGroup}-${projection}`;
  const eventsTopic = () => kafkaOptionsFrom({ kafkaBrokers: broker.brokers }, { CX_KAFKA_TOPIC_PREFIX: run }).topics.events;

  it('shares the partitions, loses and repeats nothing through crashes, relay repeats and a rebuild, and equals a rebuild', async () => {
    try {
      await scaleOut();
    } catch (error) {
      // What the processes said is what tells why: warnings and errors of each.
      const said = spawned.map(
        (s, i) =>
          `--- process ${i} (${s.url}):\n${s
            .output()
            .split('\n')
            .filter((l) => !l.includes('"level":30'))
            .slice(-30)
            .join('\n')}`,
      );
      throw new Error(`${(error as Error).message}\n${said.join('\n')}`);
    }
  }, 300_000);

  async function scaleOut(): Promise<void> {
    const events = randomJourneys(6000, 4242, 400);
    const front = await spawn('ingest,query');
    const ingest = client(front.url, KEYS.ingest);
    const ops = client(front.url, KEYS.ops);
    let head = 0;
    const post = async (from: number, to: number) => {
      for (let i = from; i < to; i += 250) {
        const answer = await ingest.post('/v1/events', events.slice(i, Math.min(to, i + 250)));
        expect(answer.status).toBe(202);
        const results = answer.body as Array<{ status: string; position: number }>;
        expect(results.filter((r) => r.status !== 'accepted')).toEqual([]);
        head = Math.max(head, ...results.map((r) => r.position));
      }
    };

    const [first, second] = [await spawn('projector'), await spawn('projector')];
    await post(0, 1500);
    // Every projection's group has both processes as members, each with partitions of its own.
    for (const projection of PROJECTIONS)
      await waitFor(
        async () => (await assignments(kafka, group(projection))).filter((a) => a.length > 0).length === 2,
        60_000,
        async () => `${projection}: ${JSON.stringify(await assignments(kafka, group(projection)))}`,
      );
    const shares = await assignments(kafka, group('lifecycle'));
    expect(shares.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);

    // One projector dies mid-stream; the other takes its partitions over.
    const posting = post(1500, 3000);
    await waitFor(
      async () => (await processedThrough(database.url, 'lifecycle')) > 1500,
      60_000,
      async () => `lifecycle at ${await processedThrough(database.url, 'lifecycle')}`,
    );
    await killHard(first);
    await posting;

    // The whole projector tier dies; the relay's checkpoint is set back, so the next relay publishes 1,000 events again.
    await killHard(second);
    const publishedBefore = await messageCount(kafka, eventsTopic());
    await withClient(database.url, (pg) =>
      pg.query(
        'UPDATE cx_views.kafka_relay_checkpoints SET position = GREATEST(0, position - 1000), lease_owner = NULL, lease_expires_at = 0',
      ),
    );
    const third = await spawn('projector');
    await spawn('projector');
    await post(3000, 4500);

    // A rebuild runs from the event store in the projector processes and goes live under the partitioned feed.
    expect((await ops.post('/v1/ops/projections/lifecycle/rebuild')).status).toBe(202);
    await post(4500, 6000);
    await waitFor(
      // A promoted generation is handed over to the partitions when a projector next looks (about once a second).
      async () => (await projectionLags(ops)).every((p) => p.lag === 0 && p.rebuilding === null && p.partitions?.length === 6),
      120_000,
      async () => JSON.stringify(await projectionLags(ops)),
    );
    expect(await messageCount(kafka, eventsTopic())).toBeGreaterThan(publishedBefore + 1000);
    // Every live generation stands in all six partitions of cx.events, past the last event.
    for (const status of await projectionLags(ops)) {
      expect(status.partitions?.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(Math.max(...present(status.partitions).map((p) => p.position))).toBe(head);
    }
    expect(third.child.exitCode).toBeNull();

    // Read-your-writes answers at once now, and the views equal a rebuild from the event store.
    const report = await client(front.url, KEYS.analyst).get(`/v1/reports/lifecycle?after=${head}`);
    expect(report.status).toBe(200);
    const verify = spawnSync(process.execPath, [CX, 'verify'], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
    for (const projection of PROJECTIONS) expect(verify.stdout).toContain(`ok: ${projection} matches a rebuild at position ${head}`);
    expect(verify.status).toBe(0);
  }
});

async function assignments(kafka: Kafka, groupId: string): Promise<number[][]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map((member) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      return Object.values(decoded?.assignment ?? {}).flat();
    });
  } finally {
    await admin.disconnect();
  }
}

async function processedThrough(url: string, projection: string): Promise<number> {
  return withClient(url, async (pg) => {
    const { rows } = await pg.query(
      `SELECT c.position FROM cx_views.projection_checkpoints c JOIN cx_views.projections p
      ON p.name = c.name AND p.active_generation = c.generation WHERE c.name = $1`,
      [projection],
    );
    return Number(rows[0]?.position ?? 0);
  });
}

interface Status {
  name: string;
  lag: number;
  rebuilding: unknown;
  partitions?: Array<{ partition: number; position: number }>;
}

async function projectionLags(ops: ReturnType<typeof client>): Promise<Status[]> {
  const answer = await ops.get('/v1/ops/projections');
  return answer.body.projections ?? answer.body;
}
