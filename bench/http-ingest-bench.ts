import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '@cx/settings';
import { createServer } from '../apps/server/src/server';

import type { BenchRow } from './bench-row';
import { progress } from './progress';

const KEY = 'bench-ingest-key';

/** Batched POST /v1/events against the embedded store: events/s and p99 batch latency. */
export async function benchHttpIngest(options: { events?: number; batchSize?: number; customers?: number } = {}): Promise<BenchRow[]> {
  const total = options.events ?? 100_000;
  const batchSize = options.batchSize ?? 1000;
  const customers = options.customers ?? 10_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-http-'));
  const app = await createServer(
    loadSettings({ CX_DATA_DIR: dataDir, CX_API_KEYS: `${KEY}=ingest`, LOG_LEVEL: 'silent', CX_ROLES: 'ingest' }),
    { logs: false },
  );
  await app.listen(0, '127.0.0.1');
  const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/v1/events`;
  const start = Date.UTC(2025, 0, 1);
  const latencies: number[] = [];
  const began = performance.now();
  for (let sent = 0; sent < total; sent += batchSize) {
    const body = JSON.stringify(
      Array.from({ length: Math.min(batchSize, total - sent) }, (_, i) => benchEvent(sent + i, customers, start)),
    );
    const t0 = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body,
    });
    const results = (await response.json()) as Array<{ status: string }>;
    latencies.push(performance.now() - t0);
    if (response.status !== 202 || results.some((r) => r.status !== 'accepted'))
      throw new Error(`bench batch not accepted: ${response.status}`);
    progress(`http: ${sent + batchSize}/${total} events`);
  }
  progress('');
  const seconds = (performance.now() - began) / 1000;
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return [
    { name: `http ingest, batches of ${batchSize} (sqlite)`, value: Math.round(total / seconds), unit: 'events/s' },
    { name: `http ingest batch latency p99 (sqlite)`, value: round(latencies[Math.floor(latencies.length * 0.99)] ?? 0), unit: 'ms' },
  ];
}

function benchEvent(i: number, customers: number, start: number) {
  const customer = i % customers;
  return {
    specversion: '1.0',
    id: `bench-${i}`,
    source: '/channels/bench',
    type: 'cx.interaction.recorded.v1',
    time: new Date(start + i * 1000).toISOString(),
    data: {
      customer: { id: `c-${customer}`, email: `c${customer}@example.com` },
      channel: 'phone',
      direction: 'inbound',
      durationSeconds: 120,
    },
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
