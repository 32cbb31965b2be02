import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadSettings } from '@cx/settings';
import { createServer } from '../apps/server/src/server';
import { BenchRow, latencies } from './bench-row';
import { progress } from './progress';
import { instantIn, type Dataset } from './simulated-dataset';

const KEY = 'bench-analyst';

/** Rebuild of one projection (or all) in a child process: events/s and peak memory. */
export function benchRebuild(dataset: Dataset, target: string, label: string): BenchRow[] {
  // The child writes its progress to this process's stderr as it goes.
  const output = execFileSync(process.execPath, [join(__dirname, 'rebuild-child.js'), target], {
    env: { ...process.env, ...dataset.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(output.trim().split('\n').at(-1) ?? '');
  return [
    { name: `rebuild ${target} (${label}, ${dataset.events} events)`, value: result.eventsPerSecond, unit: 'events/s' },
    { name: `rebuild ${target} peak memory (${label})`, value: result.peakRssMb, unit: 'MiB' },
  ];
}

/** p50/p99 of the customer route and the lifecycle report over the dataset's views, `asOf` inside the dataset's time range. */
export async function benchLifecycleQueries(dataset: Dataset, label: string, samples = 300): Promise<BenchRow[]> {
  const settings = loadSettings({ ...dataset.env, CX_ROLES: 'query', CX_API_KEYS: `${KEY}=analyst`, LOG_LEVEL: 'silent', PORT: '0' });
  const app = await createServer(settings, { logs: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    await response.arrayBuffer();
  };
  const asOf = (i: number) => new Date(instantIn(dataset, i, samples)).toISOString();
  const list = await fetch(`${url}/v1/customers?limit=1000&asOf=${new Date(dataset.lastTime).toISOString()}`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  const ids = ((await list.json()) as { customers: Array<{ customerId: string }> }).customers.map((c) => c.customerId);
  progress(`${label}: GET /v1/customers/:id`);
  const customer = await latencies(samples, (i) =>
    get(`/v1/customers/${encodeURIComponent(ids[(i * 7919) % ids.length])}?asOf=${asOf(i)}`),
  );
  progress(`${label}: GET /v1/reports/lifecycle`);
  const report = await latencies(samples, (i) => get(`/v1/reports/lifecycle?asOf=${asOf(i)}`));
  await app.close();
  const size = `${dataset.events} events`;
  return [
    { name: `GET /v1/customers/:id p50 (${label}, ${size})`, value: customer.p50, unit: 'ms' },
    { name: `GET /v1/customers/:id p99 (${label}, ${size})`, value: customer.p99, unit: 'ms' },
    { name: `GET /v1/reports/lifecycle p50 (${label}, ${size})`, value: report.p50, unit: 'ms' },
    { name: `GET /v1/reports/lifecycle p99 (${label}, ${size})`, value: report.p99, unit: 'ms' },
  ];
}
