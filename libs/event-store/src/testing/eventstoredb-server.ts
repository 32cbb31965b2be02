import type { StartedTestContainer } from 'testcontainers';
import { dockerEngineAnswers } from './docker-engine';

/** The KurrentDB image the tests start when a Docker engine answers and no EVENTSTORE_URL is set. */
export const KURRENTDB_IMAGE = 'docker.eventstore.com/kurrent-latest/kurrentdb:latest';

export interface EventStoreDbServer {
  /** An `esdb://` connection string; known once the suite's beforeAll has run. */
  readonly url: string;
}

/**
 * Declares a suite that needs EventStoreDB: against `EVENTSTORE_URL` when set, else a
 * KurrentDB container when a Docker engine answers. jest.config.js selects the EventStoreDB
 * specs only where one of the two may be had; selected with neither, the suite fails.
 */
export function describeWithEventStoreDb(name: string, body: (server: EventStoreDbServer) => void): void {
  const fromEnvironment = process.env.EVENTSTORE_URL;
  if (!fromEnvironment && !dockerEngineAnswers()) {
    const reason = 'neither EVENTSTORE_URL nor a Docker engine for a KurrentDB container';
    describe(name, () =>
      it('has an EventStoreDB to run against', () => {
        throw new Error(`${reason}. Run it with EVENTSTORE_URL=esdb://localhost:2113?tls=false (docs/event-stores.md).`);
      }),
    );
    return;
  }
  describe(name, () => {
    let container: StartedTestContainer | undefined;
    let url = fromEnvironment ?? '';
    beforeAll(async () => {
      if (fromEnvironment) return;
      container = await startKurrentDb();
      url = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    }, 300_000);
    afterAll(async () => container?.stop());
    describe(`on ${fromEnvironment ? 'EVENTSTORE_URL' : 'a KurrentDB container'}`, () =>
      body({
        get url() {
          return url;
        },
      }));
  });
}

async function startKurrentDb(): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  return new GenericContainer(KURRENTDB_IMAGE)
    .withEnvironment({
      KURRENTDB_INSECURE: 'true',
      KURRENTDB_RUN_PROJECTIONS: 'All',
      KURRENTDB_CLUSTER_SIZE: '1',
      KURRENTDB_MEM_DB: 'true',
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_RUN_PROJECTIONS: 'All',
      EVENTSTORE_CLUSTER_SIZE: '1',
      EVENTSTORE_MEM_DB: 'true',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((status) => status >= 200 && status < 300))
    .withStartupTimeout(240_000)
    .start();
}
