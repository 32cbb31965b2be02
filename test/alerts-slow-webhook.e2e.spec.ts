import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { client, KEYS, startServer, type RunningServer } from './support/cx-server';
import { stopIfStarted } from '@cx/event-store/testing';

/**
 * SPEC §2.4 "webhook failures never slow ingest": a webhook that accepts connections and
 * never answers. Ingest, the projections (read-your-writes on the alerts) and the other
 * routes carry on; the alerts wait in the outbox for their retries.
 */
describe('a webhook that hangs', () => {
  let hanging: Server;
  let server: RunningServer;
  const held: Array<{ destroy(): void }> = [];

  beforeAll(async () => {
    hanging = createServer((request) => void held.push(request.socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    server = await startServer({
      CX_WEBHOOK_URLS: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`,
      CX_WEBHOOK_SECRET: 's',
    });
  });

  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it('neither blocks ingest nor the alerts view', async () => {
    const ingest = client(server.url, KEYS.ingest);
    const analyst = client(server.url, KEYS.analyst);
    const now = Date.now();
    let last = 0;
    for (let wave = 0; wave < 5; wave += 1) {
      const answers = Array.from({ length: 20 }, (_, i) => ({
        specversion: '1.0',
        id: `hang-${wave}-${i}`,
        source: '/channels/survey',
        type: 'cx.survey.answered.v1',
        time: new Date(now - 1000 - i).toISOString(),
        data: { customer: { id: `hang-${wave}-${i}` }, survey: 'csat', score: 1 },
      }));
      const posted = await ingest.post('/v1/events', answers);
      expect(posted.status).toBe(202);
      last = Math.max(...posted.body.map((r: { position: number }) => r.position));
      // Read-your-writes answers (it would be 503 not_caught_up after 10 s if the projector waited on the webhook).
      const alerts = await analyst.get(`/v1/alerts?after=${last}&limit=1000`);
      expect(alerts.status).toBe(200);
      expect(alerts.body.alerts).toHaveLength(20 * (wave + 1));
    }
    expect(held.length).toBeGreaterThan(0);
    const metrics = (await client(server.url, KEYS.ops).get('/metrics')).body as string;
    expect(Number(/^cx_alert_oldest_undelivered_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/^cx_alert_deliveries_undelivered\{target="[^"]+"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
