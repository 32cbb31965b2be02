import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { cloudEvent, interaction } from './support/cloud-events';
import { spawnServer, ServerProcess } from './support/server-process';
import { present } from '@cx/views/testing';

const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst,${KEYS.ops}=ops`;

/** Issue 9, operability: OpenAPI, Prometheus metrics, logs without personal data, graceful shutdown. */
describe('operability (in process)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  it('serves an OpenAPI document generated from the routes, with tags and the bearer scheme', async () => {
    const docs = await client(server.url).get('/docs-json');
    expect(docs.status).toBe(200);
    const document = docs.body;
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const path of [
      '/v1/events',
      '/v1/customers/{id}',
      '/v1/customers/{id}/timeline',
      '/v1/reports/lifecycle',
      '/v1/ops/projections',
      '/metrics',
      '/health',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const post = document.paths['/v1/events'].post;
    expect(post).toMatchObject({ tags: ['ingest'], security: [{ bearer: [] }] });
    expect(post.description).toContain('`ingest` role');
    expect(document.paths['/metrics'].get.description).toContain('`ops` role');
    expect(document.paths['/v1/customers/{id}'].get.description).toContain('`analyst` role');
    expect(document.paths['/health'].get.security).toEqual([]);
    expect(Object.keys(document.paths).some((path) => path.startsWith('/dashboard'))).toBe(false);
    const everyOperation = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { tags?: string[] }>));
    expect(everyOperation.every((operation) => (operation.tags ?? []).length > 0)).toBe(true);
  });

  it('serves the Swagger UI at /docs without a key', async () => {
    const page = await client(server.url).get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(String(page.body)).toContain('swagger');
  });

  it('answers GET /metrics only to an ops key', async () => {
    expect((await client(server.url).get('/metrics')).status).toBe(401);
    expect((await client(server.url, KEYS.analyst).get('/metrics')).status).toBe(403);
    const metrics = await client(server.url, KEYS.ops).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
  });

  it('counts ingest answers by status, times the appends and reports projection lag', async () => {
    const event = interaction({ id: 'metrics-customer' });
    const answer = await client(server.url, KEYS.ingest).post('/v1/events', [
      event,
      interaction({ id: 'metrics-customer' }),
      event,
      cloudEvent('cx.unknown.v1', { customer: { id: 'x' } }),
    ]);
    expect(answer.body.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'duplicate', 'rejected']);
    const text = String((await client(server.url, KEYS.ops).get('/metrics')).body);
    expect(sample(text, 'cx_ingest_events_total{status="accepted"}')).toBe(2);
    expect(sample(text, 'cx_ingest_events_total{status="duplicate"}')).toBe(1);
    expect(sample(text, 'cx_ingest_events_total{status="rejected"}')).toBe(1);
    expect(sample(text, 'cx_ingest_rejections_total{error="unknown_type"}')).toBe(1);
    expect(sample(text, 'cx_ingest_append_seconds_count')).toBe(1);
    expect(text).toMatch(/^cx_projection_lag_events\{projection="lifecycle"\} \d+$/m);
    expect(text).toMatch(/^cx_projection_checkpoint_position\{projection="lifecycle"\} \d+$/m);
    expect(text).toContain('process_resident_memory_bytes');
  });
});

describe('operability (the built server as a process)', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cx-operability-'));
  });
  afterEach(() => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs JSON lines with the request line and status, never bodies, personal data or keys', async () => {
    server = await spawnServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS, LOG_LEVEL: 'info' });
    const secrets = ['ada.lovelace@example.com', '+44 20 7946 0000', 'Ada Lovelace', 'my card number is 4111', 'terrible service by Bob'];
    const events = [
      interaction({ email: secrets[0], phone: secrets[1] }, {}, { summary: secrets[3] }),
      cloudEvent('cx.customer.profiled.v1', { customer: { email: secrets[0] }, name: secrets[2] }),
      cloudEvent('cx.survey.answered.v1', { customer: { email: secrets[0] }, survey: 'nps', score: 2, comment: secrets[4] }),
      cloudEvent('cx.survey.answered.v1', { customer: { email: secrets[0] }, survey: 'nps', score: 99, comment: secrets[4] }),
    ];
    const answer = await client(server.url, KEYS.ingest).post('/v1/events', events);
    expect(answer.status).toBe(202);
    await client(server.url, KEYS.analyst).get(`/v1/customers/${encodeURIComponent('no-such')}?asOf=2026-01-01T00:00:00Z`);
    await client(server.url, 'wrong-key').get('/v1/customers/x');
    await stop(server, 'SIGTERM');
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    const logs = lines.map((line) => JSON.parse(line) as Record<string, any>);
    const ingestLine = logs.find((log) => log.req?.url === '/v1/events');
    expect(ingestLine).toMatchObject({ req: { method: 'POST', url: '/v1/events' }, res: { statusCode: 202 }, level: 30 });
    expect(ingestLine).toHaveProperty('responseTime');
    expect(logs.find((log) => log.req?.url === '/v1/customers/no-such')).toMatchObject({ res: { statusCode: 404 } });
    for (const secret of [...secrets, KEYS.ingest, KEYS.analyst, 'wrong-key']) expect(server.output()).not.toContain(secret);
  });

  it('on SIGTERM answers the batch in hand, keeps it, and exits 0', async () => {
    server = await spawnServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS });
    const batch = Array.from({ length: 1000 }, (_, i) => interaction({ id: `shutdown-${i % 50}` }, { id: `shutdown-event-${i}` }));
    const body = Buffer.from(JSON.stringify(batch));
    const exited = exitOf(server);
    const answer = postInTwoHalves(server.url, body, () => present(server).child.kill('SIGTERM'));
    const { status, text } = await answer;
    expect(status).toBe(202);
    const results = JSON.parse(text) as Array<{ status: string }>;
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1000);
    expect(await exited).toEqual({ code: 0, signal: null });

    server = await spawnServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS });
    const health = await client(server.url).get('/health');
    expect(health.body.info.eventStore.headPosition).toBe(1000);
    await stop(server, 'SIGTERM');
  });
});

/** The value of one sample line of the Prometheus text. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no sample ${series} in:\n${text.slice(0, 2000)}`);
  return Number(line.slice(series.length + 1));
}

function exitOf(server: ServerProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function stop(server: ServerProcess, signal: NodeJS.Signals) {
  const exited = exitOf(server);
  server.child.kill(signal);
  return exited;
}

/**
 * POSTs the body in two halves and signals in between: the server has the request in hand
 * (headers and half the body) when it is told to stop, and must still answer it.
 */
function postInTwoHalves(baseUrl: string, body: Buffer, between: () => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const call = request(
      `${baseUrl}/v1/events`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          authorization: `Bearer ${KEYS.ingest}`,
          connection: 'close',
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    call.on('error', reject);
    const half = Math.floor(body.length / 2);
    call.write(body.subarray(0, half), () => {
      setTimeout(() => {
        between();
        // Long enough for the signal to be handled and the listener closed before the rest arrives.
        setTimeout(() => call.end(body.subarray(half)), 500);
      }, 200);
    });
  });
}
