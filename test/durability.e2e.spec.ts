import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, KEYS } from './support/cx-server';
import { interaction } from './support/cloud-events';
import { killHard, spawnServer } from './support/server-process';

const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst`;

/** SPEC §4.1 on the embedded store: an event answered `accepted` survives `kill -9` right after. */
describe('durability of the embedded store across kill -9', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'cx-kill-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every accepted event, and a resend after restart stores nothing twice', async () => {
    const first = await spawnServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS });
    const ingest = client(first.url, KEYS.ingest);
    const sent: Array<ReturnType<typeof interaction>> = [];
    const accepted = new Map<string, number>();
    let killed = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let batch = 0; !killed; batch++) {
        const events = Array.from({ length: 50 }, (_, i) =>
          interaction({ id: `cust-${w}-${i % 7}` }, { time: new Date(Date.UTC(2026, 0, 1, 0, batch, i)).toISOString() }),
        );
        sent.push(...events);
        try {
          const answer = await ingest.post('/v1/events', events);
          for (const result of answer.body) accepted.set(result.id, result.position);
        } catch {
          return; // the connection died with the process: these events are unanswered
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    killed = true;
    await killHard(first);
    await Promise.all(writers);
    expect(accepted.size).toBeGreaterThan(100);

    const second = await spawnServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS });
    try {
      const analyst = client(second.url, KEYS.analyst);
      const stored = new Map<string, number>();
      for (let w = 0; w < 4; w++) {
        for (let c = 0; c < 7; c++) {
          const timeline = await allTimeline(analyst, `cust-${w}-${c}`);
          for (const event of timeline) stored.set(event.id, event.cxposition);
        }
      }
      for (const [id, position] of accepted) expect(stored.get(id)).toBe(position);

      const resend = client(second.url, KEYS.ingest);
      for (let i = 0; i < sent.length; i += 1000) {
        const answer = await resend.post('/v1/events', sent.slice(i, i + 1000));
        for (const result of answer.body) {
          if (accepted.has(result.id) || stored.has(result.id))
            expect(result).toMatchObject({ status: 'duplicate', position: stored.get(result.id) });
          else expect(result.status).toBe('accepted');
        }
      }
      const health = await client(second.url).get('/health');
      expect(health.body.info.eventStore.headPosition).toBe(new Set(sent.map((e) => e.id)).size);
    } finally {
      await killHard(second);
    }
  });
});

async function allTimeline(analyst: ReturnType<typeof client>, customerId: string): Promise<Array<{ id: string; cxposition: number }>> {
  const events: Array<{ id: string; cxposition: number }> = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page = await analyst.get(`/v1/customers/${customerId}/timeline?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    if (page.status === 404) return events;
    events.push(...page.body.events);
    cursor = page.body.nextCursor;
  }
  return events;
}
