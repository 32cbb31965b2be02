import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import {
  ALERT_DELIVERY_ATTEMPTS_TABLE,
  ALERT_DELIVERIES_TABLE,
  AlertOutbox,
  ensureAlertOutboxTables,
  SqliteViewStore,
} from '@cx/projection';
import { alertId, type Alert } from '@cx/views';
import { AlertDeliverer } from './alert-deliverer';
import { WebhookAlertTarget } from './alert-targets';
import { redeliverAlerts } from './redeliver';
import { verifyWebhookSignature } from './webhook-signature';

const SECRET = 'test-secret';

/** A real HTTP receiver: checks each signature, answers `failFirst` requests per id with 503, counts the rest. */
class Receiver {
  readonly received: Array<{ id: string; type: string; signed: boolean }> = [];
  private readonly failures = new Map<string, number>();
  private server!: Server;

  constructor(private readonly failFirst = 0) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request).then((status) => response.writeHead(status).end()));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const event = JSON.parse(body.toString('utf8')) as { id: string; type: string };
    const failed = this.failures.get(event.id) ?? 0;
    if (failed < this.failFirst) {
      this.failures.set(event.id, failed + 1);
      return 503;
    }
    this.received.push({
      id: event.id,
      type: event.type,
      signed: verifyWebhookSignature(body, SECRET, request.headers['x-cx-signature'] as string),
    });
    return 204;
  }
}

function alert(n: number, raisedAt: number, followUpAt?: number): Alert {
  return {
    id: alertId('detractor', `c-${n}`, raisedAt),
    signal: 'detractor',
    subject: `c-${n}`,
    customerId: `c-${n}`,
    caseId: null,
    raisedAt,
    raisedBy: n,
    team: null,
    detail: { survey: 'nps', score: 2 },
    followUp: followUpAt === undefined ? null : { at: followUpAt, position: 100 + n, team: 'care' },
  };
}

async function until(condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('AlertDeliverer', () => {
  let dir: string;
  let store: SqliteViewStore;
  const now = Date.now();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cx-deliverer-'));
    store = new SqliteViewStore(join(dir, 'views.sqlite'));
    await ensureAlertOutboxTables(store.reader);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const enqueue = (alerts: Alert[]) =>
    store.transaction(async (tx) => {
      const outbox = new AlertOutbox(tx, Date.now(), 7 * 86_400_000);
      for (const a of alerts) await outbox.raised(a);
    });

  it('POSTs each due event once, signed, raised before followed_up; what is due later waits', async () => {
    const receiver = new Receiver();
    const url = await receiver.start();
    const deliverers = [1, 2].map(
      () => new AlertDeliverer(store, [new WebhookAlertTarget(url, SECRET)], systemClock, undefined, { pollMs: 10 }),
    );
    try {
      await enqueue([alert(1, now - 1000, now - 500), alert(2, now - 2000), alert(3, now + 60 * 60_000)]);
      deliverers.forEach((d) => d.start());
      await until(() => receiver.received.length >= 3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received.map((r) => [r.id, r.type]).sort()).toEqual(
        [
          [alertId('detractor', 'c-1', now - 1000), 'cx.alert.followed_up.v1'],
          [alertId('detractor', 'c-1', now - 1000), 'cx.alert.raised.v1'],
          [alertId('detractor', 'c-2', now - 2000), 'cx.alert.raised.v1'],
        ].sort(),
      );
      expect(receiver.received.every((r) => r.signed)).toBe(true);
    } finally {
      await Promise.all(deliverers.map((d) => d.stop()));
      await receiver.stop();
    }
  });

  it('retries a failing receiver with backoff and records every attempt; redelivery sends again with the same id', async () => {
    const receiver = new Receiver(2);
    const url = await receiver.start();
    const deliverer = new AlertDeliverer(store, [new WebhookAlertTarget(url, SECRET)], systemClock, undefined, { pollMs: 10 });
    try {
      await enqueue([alert(1, now - 1000)]);
      deliverer.start();
      const recorded = () =>
        store.reader
          .selectFrom(ALERT_DELIVERY_ATTEMPTS_TABLE)
          .select(['attempt', 'outcome', 'status_code', 'at'])
          .orderBy('attempt')
          .execute();
      // The attempt is recorded once the receiver has answered.
      await until(async () => receiver.received.length === 1 && (await recorded()).length === 3);
      const attempts = await recorded();
      expect(attempts.map((a) => [a.attempt, a.outcome, a.status_code])).toEqual([
        [1, 'failed', 503],
        [2, 'failed', 503],
        [3, 'delivered', 204],
      ]);
      // 1 s after the first failure, 2 s after the second.
      expect(Number(attempts[1].at) - Number(attempts[0].at)).toBeGreaterThanOrEqual(1000);
      expect(Number(attempts[2].at) - Number(attempts[1].at)).toBeGreaterThanOrEqual(2000);
      expect(await redeliverAlerts(store, now - 5000, [url], Date.now())).toBe(1);
      await until(() => receiver.received.length === 2);
      expect(receiver.received[1].id).toBe(receiver.received[0].id);
      await until(async () => (await recorded()).length === 4);
      const delivery = await store.reader.selectFrom(ALERT_DELIVERIES_TABLE).selectAll().executeTakeFirstOrThrow();
      expect(delivery.state).toBe('delivered');
    } finally {
      await deliverer.stop();
      await receiver.stop();
    }
  });

  it('a receiver that is down never holds up another target', async () => {
    const healthy = new Receiver();
    const url = await healthy.start();
    const gone = new Receiver();
    const downUrl = await gone.start();
    await gone.stop();
    const deliverer = new AlertDeliverer(
      store,
      [new WebhookAlertTarget(downUrl, SECRET), new WebhookAlertTarget(url, SECRET)],
      systemClock,
      undefined,
      { pollMs: 10 },
    );
    try {
      await enqueue([alert(1, now - 1000), alert(2, now - 1000)]);
      deliverer.start();
      await until(() => healthy.received.length === 2, 5_000);
      const down = () =>
        store.reader.selectFrom(ALERT_DELIVERIES_TABLE).select(['state', 'attempts', 'last_error']).where('target', '=', downUrl).execute();
      await until(async () => (await down()).every((d) => Number(d.attempts) >= 1), 5_000);
      expect((await down()).map((d) => [d.state, d.last_error])).toEqual([
        ['pending', 'ECONNREFUSED'],
        ['pending', 'ECONNREFUSED'],
      ]);
    } finally {
      await deliverer.stop();
      await healthy.stop();
    }
  });
});
