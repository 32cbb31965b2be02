import { alertId } from '@cx/views';
import { client, KEYS } from './support/cx-server';
import { viewStoresUnderTest, viewStoreUnderTest } from './support/loyalty-support';
import { killHard, spawnServer, type ServerProcess } from './support/server-process';
import { waitFor } from '@cx/kafka/testing';
import { WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'processes-e2e-secret';
const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst`;

/**
 * SPEC §2.4 "never delivered twice because of several projector processes": three server
 * processes with every role over one PostgreSQL (events and views), each running the
 * projector and a deliverer, answers posted to all three. Each alert reaches the webhook
 * once: the live generation writes the outbox once per alert, and deliverers claim
 * deliveries under leases (`FOR UPDATE SKIP LOCKED`).
 */
const stores = viewStoresUnderTest().filter((name) => name === 'postgres');
(stores.length > 0 ? describe : describe.skip)('alert delivery with three projector processes (PostgreSQL)', () => {
  const receiver = new WebhookReceiver(SECRET);
  const store = viewStoreUnderTest('postgres');
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    const env = await store.setUp();
    await receiver.start();
    for (let i = 0; i < 3; i += 1) {
      servers.push(
        await spawnServer({
          ...env,
          CX_EVENT_STORE: 'postgres',
          CX_API_KEYS: API_KEYS,
          CX_WEBHOOK_URLS: receiver.url,
          CX_WEBHOOK_SECRET: SECRET,
        }),
      );
    }
  });

  afterAll(async () => {
    for (const server of servers) await killHard(server);
    await receiver.stop();
    await store.tearDown();
  });

  it('sends each alert once', async () => {
    const expected = new Set<string>();
    const now = Date.now();
    for (let wave = 0; wave < 6; wave += 1) {
      const answers = Array.from({ length: 25 }, (_, i) => {
        const customerId = `proc-${wave}-${i}`;
        const at = now - 60_000 - i;
        expected.add(`cx.alert.raised.v1|${alertId('detractor', customerId, at)}`);
        return {
          specversion: '1.0',
          id: `p-${wave}-${i}`,
          source: '/channels/survey',
          type: 'cx.survey.answered.v1',
          time: new Date(at).toISOString(),
          data: { customer: { id: customerId }, survey: 'ces', score: 1 },
        };
      });
      const posted = await client(servers[wave % 3].url, KEYS.ingest).post('/v1/events', answers);
      expect(posted.status).toBe(202);
    }
    await waitFor(
      () => receiver.distinct().size >= expected.size,
      60_000,
      () => `${receiver.distinct().size} of ${expected.size}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(receiver.distinct()).toEqual(expected);
    expect(receiver.received).toHaveLength(expected.size);
    expect(receiver.received.every((r) => r.signed)).toBe(true);
  });
});
