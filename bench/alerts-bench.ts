import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { verifyWebhookSignature } from '@cx/alerts';
import { alertId } from '@cx/views';
import { percentile, round1, type BenchRow } from './bench-row';
import { benchRebuild } from './lifecycle-bench';
import { simulatedDataset } from './simulated-dataset';

export interface AlertsBenchOptions {
  /** Simulated events behind the server and the rebuild (default 50,000). */
  events: number;
  /** Detractor answers timed from POST to the webhook (default 300). */
  samples: number;
}

const KEY = 'bench-alerts-ingest';
const SECRET = 'bench-alerts-secret';
const MAIN = join(__dirname, '..', 'apps', 'server', 'src', 'main.js');

/**
 * SPEC §2.4 figures with the embedded default (one process, SQLite): the time from POSTing
 * a detractor answer to its signed `cx.alert.raised.v1` reaching a local webhook receiver
 * (the server is a child process, the receiver and the client live here), one answer at a
 * time over a simulated history; then the alerts projection's rebuild rate.
 */
export async function benchAlerts(options: AlertsBenchOptions): Promise<BenchRow[]> {
  const dataset = await simulatedDataset(options.events);
  try {
    const latency = await deliveryLatency(dataset.env, options.samples);
    const rebuild = benchRebuild(dataset, 'alerts', 'sqlite');
    const size = `${dataset.events} events behind`;
    return [
      { name: `detractor POST → webhook p50 (embedded, ${size})`, value: latency.p50, unit: 'ms' },
      { name: `detractor POST → webhook p99 (embedded, ${size}; target < 1000)`, value: latency.p99, unit: 'ms' },
      { name: `detractor POST → webhook, signatures that checked`, value: latency.signed, unit: `of ${options.samples}` },
      ...rebuild,
    ];
  } finally {
    rmSync(dataset.dataDir, { recursive: true, force: true });
  }
}

async function deliveryLatency(env: Record<string, string>, samples: number): Promise<{ p50: number; p99: number; signed: number }> {
  const arrivals = new Map<string, (at: number) => void>();
  let signed = 0;
  let timed = 0;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks);
      const event = JSON.parse(body.toString('utf8')) as { id: string; type: string };
      const waiting = event.type === 'cx.alert.raised.v1' ? arrivals.get(event.id) : undefined;
      if (waiting) {
        timed += 1;
        if (verifyWebhookSignature(body, SECRET, request.headers['x-cx-signature'] as string | undefined)) signed += 1;
        waiting(at);
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
  const server = await startServer({
    ...env,
    CX_ROLES: 'ingest,projector,query',
    CX_API_KEYS: `${KEY}=ingest`,
    CX_WEBHOOK_URLS: hook,
    CX_WEBHOOK_SECRET: SECRET,
  });
  try {
    const timeOne = async (customerId: string, timeoutMs: number): Promise<number> => {
      const answeredAt = Date.now() - 1000;
      const id = alertId('detractor', customerId, answeredAt);
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`alert ${id} did not arrive within ${timeoutMs} ms`)), timeoutMs);
        arrivals.set(id, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      const started = performance.now();
      await post(server.url, [detractor(customerId, answeredAt)]);
      const at = await arrived;
      arrivals.delete(id);
      return at - started;
    };
    // The projections first build their views of the dataset: only then is one answer timed alone.
    await timeOne('bench-warm-up', 20 * 60_000);
    timed = 0;
    signed = 0;
    const times: number[] = [];
    for (let i = 0; i < samples; i += 1) times.push(await timeOne(`bench-detractor-${i}`, 30_000));
    if (timed !== samples) throw new Error(`${timed} of ${samples} timed alerts arrived`);
    return { p50: round1(percentile(times, 50)), p99: round1(percentile(times, 99)), signed };
  } finally {
    await server.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

function detractor(customerId: string, at: number) {
  return {
    specversion: '1.0',
    id: `bench-${customerId}-${at}`,
    source: '/channels/bench-survey',
    type: 'cx.survey.answered.v1',
    time: new Date(at).toISOString(),
    data: { customer: { id: customerId }, survey: 'nps', score: 2 },
  };
}

async function post(url: string, events: unknown[]): Promise<void> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}`);
  await response.arrayBuffer();
}

/** The built server as its own process, as a user runs it. */
async function startServer(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1].replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
