import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { KafkaTopics } from '@cx/kafka';
import { KafkaRelayService } from '@cx/projection';
import { findKafkaBroker, KafkaBroker, produce, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { interaction } from './support/cloud-events';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { KafkaServer, startKafkaServer } from './support/kafka-server';
import { eventually } from './support/eventually';
import { ingestMessage, sampleEvent } from '@cx/ingest/testing';
import { stopIfStarted } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

/** Debian's promtool (package `prometheus`; `npm run services:start` installs it). */
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : null;
const describeWithPromtool = PROMTOOL || process.env.CI ? describe : describe.skip;

/** The value of one series in the exposition text, or undefined. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

/** `promtool check metrics` over the project's own families (cx_*): its findings, empty when clean. */
function promtoolFindings(text: string): string {
  if (!PROMTOOL) throw new Error("promtool is not installed: npm run services:start installs Debian's prometheus package");
  const own =
    text
      .split('\n')
      .filter((line) => /^(# (HELP|TYPE) )?cx_/.test(line))
      .join('\n') + '\n';
  try {
    return execFileSync(PROMTOOL, ['check', 'metrics'], { input: own, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(error);
  }
}

/** Issue 17 item 4: metrics a team alerts on, checked with Prometheus's own linter. */
describeWithPromtool('alerting rules the docs offer', () => {
  it('pass promtool check rules, and name only metrics the server exposes', async () => {
    const file = join(__dirname, '..', 'docs', 'prometheus', 'cx-ledger-alerts.yml');
    const checked = spawnSync(PROMTOOL ?? 'promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect({ status: checked.status, out: checked.stdout }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS: 9 rules found') });
    // Every role: the alert delivery metrics come with the projector role.
    const server = await startServer();
    try {
      await client(server.url, KEYS.ingest).post('/v1/events', [interaction({ id: 'RULES-1' })]);
      const exposed = new Set(
        ((await client(server.url, KEYS.ops).get('/metrics')).body as string)
          .split('\n')
          .filter((l) => l.startsWith('# TYPE '))
          .map((l) => l.split(' ')[2]),
      );
      const named = [...readFileSync(file, 'utf8').matchAll(/\b(cx_[a-z_]+?)(_bucket|_count|_sum)?\b/g)].map((m) => m[1]);
      // cx_kafka_consumer_lag and cx_relay_* appear with Kafka configured (the Kafka suite below scrapes them).
      expect(named.filter((name) => !exposed.has(name) && !/^cx_(kafka_consumer_lag|relay_lag_seconds)$/.test(name))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describeWithPromtool('metrics a team alerts on (HTTP, dead letters, projection lag in seconds)', () => {
  let server: RunningServer;
  // No projector in this process: whatever is appended stays unapplied, so the lag shows.
  beforeAll(async () => (server = await startServer({ CX_ROLES: 'ingest,query' })));
  afterAll(async () => stopIfStarted(server, (it) => it.close()));
  const scrape = async () => (await client(server.url, KEYS.ops).get('/metrics')).body as string;

  it('times every answer by method, route pattern and status, and counts refused POST bodies as HTTP dead letters by reason', async () => {
    const ingest = client(server.url, KEYS.ingest);
    const analyst = client(server.url, KEYS.analyst);
    await ingest.post('/v1/events', [interaction({ id: 'M-1' })]);
    await ingest.post('/v1/events', '{"not json');
    await ingest.post('/v1/events', 'plain text', { 'content-type': 'text/plain' });
    await ingest.post('/v1/events', []);
    await analyst.get('/v1/reports/lifecycle');
    await analyst.get('/v1/customers/NOBODY');
    await analyst.get('/no/such/route');
    const text = await scrape();
    const count = (method: string, route: string, status: number) =>
      sample(text, `cx_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`);
    expect(count('POST', '/v1/events', 202)).toBe(1);
    expect(count('POST', '/v1/events', 400)).toBe(2);
    expect(count('POST', '/v1/events', 415)).toBe(1);
    expect(count('GET', '/v1/reports/lifecycle', 200)).toBe(1);
    expect(count('GET', '/v1/customers/:id', 404)).toBe(1);
    expect(count('GET', 'unrouted', 404)).toBe(1);
    expect(sample(text, 'cx_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/events",status="202"}')).toBe(1);
    const deadLetters = (reason: string) => sample(text, `cx_ingest_dead_letters_total{transport="http",reason="${reason}"}`);
    expect([deadLetters('malformed_json'), deadLetters('unsupported_content_type'), deadLetters('empty_batch')]).toEqual([1, 1, 1]);
    expect(promtoolFindings(text)).toBe('');
  });

  it('gives projection lag in seconds: the age of the oldest event not yet applied', async () => {
    await client(server.url, KEYS.ingest).post('/v1/events', [interaction({ id: 'M-2' })]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const text = await scrape();
    expect(sample(text, 'cx_projection_lag_events{projection="lifecycle"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'cx_projection_lag_seconds{projection="lifecycle"}')).toBeGreaterThan(1);
    expect(promtoolFindings(text)).toBe('');
  });
});

describeWithPromtool('metrics a team alerts on, with Kafka (dead letters by reason, cx.events relay lag)', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let topics: KafkaTopics;
  let server: KafkaServer;
  const run = uniqueTopicPrefix('metrics');

  beforeAll(async () => {
    broker = await findKafkaBroker();
    server = await startKafkaServer(broker.brokers, run);
    ({ kafka, topics } = server);
  });
  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    await stopIfStarted(broker, (it) => it.release());
  });
  const scrape = async () => (await client(server.url, KEYS.ops).get('/metrics')).body as string;

  it('counts Kafka dead letters by reason, the transport ones (not JSON, not a CloudEvent content type) included', async () => {
    const valid = sampleEvent(run, 1, 1);
    await produce(kafka, topics.ingest, [
      ingestMessage(valid, 'structured', 'k'),
      { key: 'k', value: '{"broken', headers: { 'content-type': 'application/cloudevents+json' } },
      { key: 'k', value: 'hello', headers: { 'content-type': 'text/plain' } },
      ingestMessage({ ...sampleEvent(run, 2, 1), type: 'cx.nothing.v1' }, 'binary', 'k'),
    ]);
    let text = '';
    await waitFor(
      async () => {
        text = await scrape();
        return sample(text, 'cx_ingest_dead_letters_total{transport="kafka",reason="unknown_type"}') === 1;
      },
      60_000,
      async () =>
        text
          .split('\n')
          .filter((l) => l.startsWith('cx_ingest_dead'))
          .join('\n'),
    );
    const deadLetters = (reason: string) => sample(text, `cx_ingest_dead_letters_total{transport="kafka",reason="${reason}"}`);
    expect([deadLetters('malformed_json'), deadLetters('unsupported_content_type'), deadLetters('unknown_type')]).toEqual([1, 1, 1]);
    expect(promtoolFindings(text)).toBe('');
  });

  it('gives the cx.events relay lag in events and seconds, 0 once it has caught up', async () => {
    await eventually(async () => {
      const text = await scrape();
      expect(sample(text, `cx_relay_lag_events{topic="${topics.events}"}`)).toBe(0);
      expect(sample(text, `cx_relay_lag_seconds{topic="${topics.events}"}`)).toBe(0);
    }, 60_000);
    await present(server.app.get(KafkaRelayService).relay).stop();
    await client(server.url, KEYS.ingest).post('/v1/events', [interaction({ id: 'M-3' }), interaction({ id: 'M-4' })]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const text = await scrape();
    expect(sample(text, `cx_relay_lag_events{topic="${topics.events}"}`)).toBe(2);
    expect(sample(text, `cx_relay_lag_seconds{topic="${topics.events}"}`)).toBeGreaterThan(1);
    expect(promtoolFindings(text)).toBe('');
  });
});
