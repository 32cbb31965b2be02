import { EVENT_LOG, EventStore } from '@cx/event-store';
import { compareProjection, projectInto, withScratchViews } from '@cx/ops';
import { KafkaProjectorService, Projection, ProjectionEngine, PROJECTIONS, VIEW_STORE, ViewStore } from '@cx/projection';
import { describeWithPostgres, stopIfStarted } from '@cx/event-store/testing';
import { OwnKafkaBroker, startOwnKafkaBroker, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { randomJourneys } from './support/random-journeys';

/**
 * Partitioned projectors (and the relay feeding them) while the broker is stopped and
 * started again mid-stream: once it is back, every view catches up and equals a rebuild
 * from the event store, row by row. A broker of the test's own, so the shared one is left alone.
 */
describeWithPostgres('partitioned projectors across a broker restart', (database) => {
  let broker: OwnKafkaBroker;
  let server: RunningServer;
  const run = uniqueTopicPrefix('parts-restart');

  beforeAll(async () => {
    const own = await startOwnKafkaBroker();
    if (!own) throw new Error('no Kafka broker of its own to run against');
    broker = own;
    process.env.CX_KAFKA_TOPIC_PREFIX = run;
    server = await startServer({
      CX_ROLES: 'ingest,projector,query',
      CX_PROJECTOR_SOURCE: 'kafka',
      CX_KAFKA_BROKERS: broker.brokers.join(','),
      CX_EVENT_STORE: 'postgres',
      CX_VIEW_STORE: 'postgres',
      CX_POSTGRES_URL: database.url,
    });
    await Promise.all(server.app.get(KafkaProjectorService).projectors.map((projector) => projector.joined));
  });
  afterAll(async () => {
    delete process.env.CX_KAFKA_TOPIC_PREFIX;
    await stopIfStarted(server, (it) => it.close());
    await stopIfStarted(broker, (it) => it.dispose());
  });

  it('catches up after the broker is back, and every view equals a rebuild', async () => {
    const events = randomJourneys(3000, 77, 250);
    const ingest = client(server.url, KEYS.ingest);
    const engine = server.app.get(ProjectionEngine);
    const post = async (from: number, to: number) => {
      for (let i = from; i < to; i += 100) expect((await ingest.post('/v1/events', events.slice(i, i + 100))).status).toBe(202);
    };
    await post(0, 1000);
    await waitFor(
      async () => (await engine.status()).every((s) => s.checkpoint > 0),
      30_000,
      async () => JSON.stringify(await engine.status()),
    );

    await broker.stop();
    // Ingest goes on over HTTP while the broker is away: the store takes it, the views wait.
    await post(1000, 2000);
    const whileDown = await engine.status();
    await broker.start();
    await post(2000, 3000);

    const head = await server.app.get<EventStore>(EVENT_LOG).headPosition();
    expect(whileDown.every((s) => s.checkpoint < head)).toBe(true);
    await waitFor(
      async () => (await engine.status()).every((s) => s.checkpoint === head),
      120_000,
      async () => JSON.stringify(await engine.status()),
    );
    const views = server.app.get<ViewStore>(VIEW_STORE);
    const events$ = server.app.get<EventStore>(EVENT_LOG);
    for (const projection of server.app.get<Projection[]>(PROJECTIONS)) {
      const differences = await withScratchViews(async (scratch) => {
        await projectInto(scratch, events$, [projection], { upTo: head });
        return compareProjection(views, scratch, projection);
      });
      expect({ projection: projection.name, differences }).toEqual({ projection: projection.name, differences: [] });
    }
  });
});
