import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpSink, pump, simulate } from '@cx/simulator';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const DAY = 86_400_000;

/** Runs the built CLI without blocking this process (the in-process server must keep answering). */
function cx(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CX, ...args], { env: { ...process.env, CX_DATA_DIR: dataDir, CX_API_KEYS: 'cli-key=ops' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Issue 9: simulated journeys are accepted by a real server, whole; the CLI sends and writes them. */
describe('simulator against a real server', () => {
  let server: RunningServer;
  let scratch: string;

  beforeAll(async () => {
    server = await startServer();
    scratch = mkdtempSync(join(tmpdir(), 'cx-simulate-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('has every event of a small run accepted or recognised as a duplicate, none rejected, and no identity conflicts', async () => {
    const now = Date.now();
    const events = [...simulate({ customers: 150, days: 200, seed: 'e2e', start: now - 200 * DAY, now })];
    const counts = await pump(events, new HttpSink(server.url, KEYS.ingest));
    expect(counts.rejections).toEqual([]);
    expect(counts).toMatchObject({ sent: events.length, rejected: 0 });
    expect(counts.duplicate).toBeGreaterThan(0);
    expect(counts.accepted + counts.duplicate).toBe(events.length);
    const conflicts = await client(server.url, KEYS.ops).get('/v1/ops/identity-conflicts');
    expect(conflicts.body.conflicts).toEqual([]);
  });

  it('cx simulate --to http posts batches and prints the summary', async () => {
    const run = await cx(
      ['simulate', '--customers', '40', '--days', '120', '--seed', '9', '--to', 'http', '--url', server.url, '--key', KEYS.ingest],
      scratch,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/simulated 40 customers over 120 days \(seed 9\): \d+ events to http:\/\/\S+ in [\d.]+ s \(\d+ events\/s\)/);
    expect(run.stdout).toMatch(/accepted \d+, duplicate \d+, rejected 0/);
  });

  it('cx simulate --to file writes the same events as the library, one JSON a line', async () => {
    const file = join(scratch, 'events.jsonl');
    const start = '2025-03-01T00:00:00Z';
    const run = await cx(
      ['simulate', '--customers', '30', '--days', '90', '--seed', '5', '--start', start, '--to', 'file', '--file', file],
      scratch,
    );
    expect(run.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const expected = [...simulate({ customers: 30, days: 90, seed: 5, start })].map((event) => JSON.stringify(event));
    expect(lines).toEqual(expected);
  });

  it('cx simulate refuses --to http without a key', async () => {
    const run = await cx(['simulate', '--customers', '1', '--to', 'http'], scratch);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--key');
  });
});
