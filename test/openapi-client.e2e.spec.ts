import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { stopIfStarted } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

/**
 * Issue 17 item 3, as a client author would check it: the document served at /docs-json
 * lints clean with @redocly/cli, openapi-typescript generates types from it, a small
 * program written against those types with openapi-fetch compiles under `strict` and calls
 * every route, and every answer it gets fits the document's schema for that status and
 * media type (objects closed: a field the document does not name is a failure).
 */

const ROOT = join(__dirname, '..');
/** Inside the repository, so the program resolves openapi-fetch from node_modules (git-ignored). */
const WORK = join(ROOT, '.openapi-client-test');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** The program a client author would write: typed paths, parameters and answers, every route called once or more. */
const PROGRAM = String.raw`
import createClient from 'openapi-fetch';
import type { paths } from './schema';

const base = process.env.CX_URL!;
const analyst = createClient<paths>({ baseUrl: base, headers: { authorization: 'Bearer ' + process.env.CX_ANALYST } });
const ops = createClient<paths>({ baseUrl: base, headers: { authorization: 'Bearer ' + process.env.CX_OPS } });
const ingest = createClient<paths>({ baseUrl: base, headers: { authorization: 'Bearer ' + process.env.CX_INGEST } });
const month = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
const asOf = '2026-04-01T00:00:00Z';

type Call = { method: string; path: string; status: number; type: string | null; body: unknown };
const calls: Call[] = [];
async function record(method: string, path: string, call: Promise<{ response: Response; data?: unknown; error?: unknown }>): Promise<void> {
  const { response, data, error } = await call;
  calls.push({ method, path, status: response.status, type: response.headers.get('content-type'), body: data ?? error });
}

async function main(): Promise<void> {
  const posted = await ingest.POST('/v1/events', {
    body: [{ specversion: '1.0', id: 'client-1', source: '/channels/client', type: 'cx.interaction.recorded.v1', time: '2026-03-06T10:00:00Z', data: { customer: { id: 'C-1' }, channel: 'chat', direction: 'inbound' } }],
  });
  calls.push({ method: 'post', path: '/v1/events', status: posted.response.status, type: posted.response.headers.get('content-type'), body: posted.data ?? posted.error });
  // Typed answers: a result's status is one of three, its position a number.
  const after = Math.max(...(posted.data ?? []).map((r) => r.position ?? 0));
  const accepted: 'accepted' | 'duplicate' | 'rejected' | undefined = posted.data?.[0]?.status;
  if (accepted !== 'accepted') throw new Error('the event was not accepted: ' + JSON.stringify(posted.error ?? posted.data));

  const customer = await analyst.GET('/v1/customers/{id}', { params: { path: { id: 'C-1' }, query: { asOf, after } } });
  calls.push({ method: 'get', path: '/v1/customers/{id}', status: customer.response.status, type: customer.response.headers.get('content-type'), body: customer.data ?? customer.error });
  const stage: 'prospect' | 'new' | 'active' | 'loyal' | 'advocate' | 'at_risk' | 'churned' | undefined = customer.data?.stage;
  const revenue: number | undefined = customer.data?.purchases.revenueMinor['EUR'];
  console.error('C-1 is ' + stage + ' with ' + revenue + ' EUR cents');

  await record('get', '/health', analyst.GET('/health'));
  await record('get', '/metrics', ops.GET('/metrics', { parseAs: 'text' }));
  await record('get', '/v1/customers', analyst.GET('/v1/customers', { params: { query: { stage: 'new', asOf, limit: 10 } } }));
  const timeline = await analyst.GET('/v1/customers/{id}/timeline', { params: { path: { id: 'C-1' }, query: { limit: 2 } } });
  calls.push({ method: 'get', path: '/v1/customers/{id}/timeline', status: timeline.response.status, type: timeline.response.headers.get('content-type'), body: timeline.data ?? timeline.error });
  const cursor: string | null | undefined = timeline.data?.nextCursor;
  if (cursor) await record('get', '/v1/customers/{id}/timeline', analyst.GET('/v1/customers/{id}/timeline', { params: { path: { id: 'C-1' }, query: { cursor } } }));
  const position: number | undefined = timeline.data?.events[0]?.cxposition;
  console.error('first timeline event at position ' + position);
  await record('get', '/v1/reports/lifecycle', analyst.GET('/v1/reports/lifecycle', { params: { query: { asOf } } }));
  await record('get', '/v1/reports/lifecycle', analyst.GET('/v1/reports/lifecycle', { params: { query: { asOf } }, headers: { accept: 'text/csv' }, parseAs: 'text' }));
  await record('get', '/v1/reports/loyalty', analyst.GET('/v1/reports/loyalty', { params: { query: month } }));
  await record('get', '/v1/reports/loyalty', analyst.GET('/v1/reports/loyalty', { params: { query: { ...month, groupBy: 'team' } } }));
  await record('get', '/v1/reports/cohorts', analyst.GET('/v1/reports/cohorts', { params: { query: month } }));
  await record('get', '/v1/reports/handoffs', analyst.GET('/v1/reports/handoffs', { params: { query: month } }));
  await record('get', '/v1/reports/handoffs', analyst.GET('/v1/reports/handoffs', { params: { query: month }, headers: { accept: 'text/csv' }, parseAs: 'text' }));
  await record('get', '/v1/cases/{id}', analyst.GET('/v1/cases/{id}', { params: { path: { id: 'K-1' }, query: { asOf } } }));
  await record('get', '/v1/alerts', analyst.GET('/v1/alerts', { params: { query: { asOf } } }));
  await record('get', '/v1/reports/closed-loop', analyst.GET('/v1/reports/closed-loop', { params: { query: month } }));
  await record('get', '/v1/reports/drivers', analyst.GET('/v1/reports/drivers', { params: { query: { ...month, outcome: 'nps' } } }));
  await record('get', '/v1/ops/projections', ops.GET('/v1/ops/projections'));
  await record('get', '/v1/ops/identity-conflicts', ops.GET('/v1/ops/identity-conflicts', { params: { query: { limit: 10 } } }));
  await record('get', '/v1/ops/customers/{id}/audit', ops.GET('/v1/ops/customers/{id}/audit', { params: { path: { id: 'C-1' }, query: { proof: 'true' } } }));
  await record('get', '/v1/ops/checkpoints', ops.GET('/v1/ops/checkpoints', { params: { query: { limit: 5 } } }));
  await record('post', '/v1/ops/projections/{name}/rebuild', ops.POST('/v1/ops/projections/{name}/rebuild', { params: { path: { name: 'lifecycle' } } }));
  await record('post', '/v1/ops/customers/{id}/forget', ops.POST('/v1/ops/customers/{id}/forget', { params: { path: { id: 'C-2' } } }));
  // Errors are typed too, in the API's shape.
  const missing = await analyst.GET('/v1/customers/{id}', { params: { path: { id: 'NOBODY' } } });
  calls.push({ method: 'get', path: '/v1/customers/{id}', status: missing.response.status, type: missing.response.headers.get('content-type'), body: missing.data ?? missing.error });
  const code: string | undefined = missing.error?.error;
  const bad = await analyst.GET('/v1/reports/cohorts', { params: { query: { from: '2000-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' } } });
  calls.push({ method: 'get', path: '/v1/reports/cohorts', status: bad.response.status, type: bad.response.headers.get('content-type'), body: bad.data ?? bad.error });
  console.error('NOBODY: ' + code + '; 30 years: ' + bad.error?.error);
  process.stdout.write(JSON.stringify(calls));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

type Call = { method: string; path: string; status: number; type: string | null; body: unknown };
type Schema = Record<string, unknown>;

/**
 * The document's schemas as JSON Schema for Ajv: OpenAPI 3.0's `nullable` becomes "or null"
 * (as openapi-typescript reads it), and every object schema that names its properties and
 * says nothing of others is closed, so an unnamed field fails.
 */
function jsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Schema;
  const copy = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [
      k,
      k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, jsonSchema(s)])) : jsonSchema(v),
    ]),
  );
  if (copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return nullable === true ? { anyOf: [copy, { type: 'null' }] } : copy;
}

describe('a client generated from /docs-json', () => {
  let server: RunningServer;
  let document: {
    paths: Partial<
      Record<
        string,
        Partial<Record<string, { responses: Partial<Record<string, { content?: Partial<Record<string, { schema: Schema }>> }>> }>>
      >
    >;
    components: { schemas: Schema };
  };

  beforeAll(async () => {
    server = await startServer();
    const ingest = client(server.url, KEYS.all);
    const event = (id: string, type: string, time: string, data: Schema) => ({
      specversion: '1.0',
      id,
      source: '/channels/seed',
      type,
      time,
      data,
    });
    const seeded = await ingest.post('/v1/events', [
      event('s1', 'cx.interaction.recorded.v1', '2026-03-01T09:30:00Z', {
        customer: { email: 'ada@example.com' },
        channel: 'phone',
        direction: 'inbound',
      }),
      event('s2', 'cx.purchase.completed.v1', '2026-03-02T10:00:00Z', {
        customer: { id: 'C-1', email: 'ada@example.com' },
        orderId: '7',
        amountMinor: 4999,
        currency: 'EUR',
        channel: 'web',
      }),
      event('s3', 'cx.case.opened.v1', '2026-03-03T08:00:00Z', {
        customer: { id: 'C-1' },
        caseId: 'K-1',
        category: 'complaint',
        channel: 'phone',
        team: 'frontline',
      }),
      event('s4', 'cx.case.handoff.requested.v1', '2026-03-03T08:10:00Z', {
        customer: { id: 'C-1' },
        caseId: 'K-1',
        fromTeam: 'frontline',
        toTeam: 'billing',
      }),
      event('s5', 'cx.case.handoff.accepted.v1', '2026-03-03T09:40:00Z', { customer: { id: 'C-1' }, caseId: 'K-1', team: 'billing' }),
      event('s6', 'cx.survey.answered.v1', '2026-03-05T12:00:00Z', {
        customer: { id: 'C-1' },
        survey: 'nps',
        score: 3,
        channel: 'email',
        team: 'billing',
      }),
      event('s7', 'cx.interaction.recorded.v1', '2026-03-05T12:00:00Z', {
        customer: { id: 'C-2', email: 'ada@example.com' },
        channel: 'email',
        direction: 'outbound',
      }),
    ]);
    expect(seeded.status).toBe(202);
    document = (await client(server.url).get('/docs-json')).body;
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    writeFileSync(join(WORK, 'openapi.json'), JSON.stringify(document, null, 2));
  });
  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    rmSync(WORK, { recursive: true, force: true });
  });

  it('lints clean with @redocly/cli (recommended rules, redocly.yaml)', () => {
    const output = execFileSync(
      bin('redocly'),
      ['lint', join(WORK, 'openapi.json'), '--config', join(ROOT, 'redocly.yaml'), '--format', 'summary'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(output).not.toMatch(/warning|error/i);
  });

  it('generates types, compiles a strict program calling every route with openapi-fetch, and every answer fits the document', async () => {
    execFileSync(bin('openapi-typescript'), [join(WORK, 'openapi.json'), '--output', join(WORK, 'schema.d.ts')], { stdio: 'pipe' });
    writeFileSync(join(WORK, 'client.ts'), PROGRAM);
    const compiled = (() => {
      try {
        execFileSync(
          bin('tsc'),
          [
            '--strict',
            '--noUncheckedIndexedAccess',
            '--target',
            'ES2022',
            '--module',
            'commonjs',
            '--esModuleInterop',
            '--skipLibCheck',
            '--lib',
            'ES2022,DOM',
            '--outDir',
            join(WORK, 'out'),
            join(WORK, 'client.ts'),
          ],
          { encoding: 'utf8', stdio: 'pipe' },
        );
        return '';
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(compiled).toBe('');
    // Not execFileSync: the server answers from this very process, whose event loop must keep running.
    const run = await promisify(execFile)(process.execPath, [join(WORK, 'out', 'client.js')], {
      encoding: 'utf8',
      env: { ...process.env, CX_URL: server.url, CX_ANALYST: KEYS.analyst, CX_OPS: KEYS.ops, CX_INGEST: KEYS.ingest },
    });
    const calls = JSON.parse(run.stdout) as Call[];

    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: jsonSchema(document.components) }, 'doc');
    const validators = new Map<string, ValidateFunction>();
    const problems: string[] = [];
    for (const call of calls) {
      const described = document.paths[call.path]?.[call.method]?.responses[String(call.status)];
      const mediaType = (call.type ?? '').split(';')[0];
      const schema = described?.content?.[mediaType]?.schema;
      if (!schema) {
        problems.push(`${call.method.toUpperCase()} ${call.path}: ${call.status} ${mediaType} is not in the document`);
        continue;
      }
      const key = `${call.method} ${call.path} ${call.status} ${mediaType}`;
      if (!validators.has(key))
        validators.set(key, ajv.compile(JSON.parse(JSON.stringify(jsonSchema(schema)).replace(/"#\/components/g, '"doc#/components'))));
      const validate = present(validators.get(key));
      if (!validate(call.body)) problems.push(`${key}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);

    const operations = Object.entries(document.paths).flatMap(([path, item = {}]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    const succeeded = new Set(calls.filter((c) => c.status < 300).map((c) => `${c.method} ${c.path}`));
    expect(operations.filter((operation) => !succeeded.has(operation))).toEqual([]);
    expect(calls.find((c) => c.path === '/v1/customers/{id}' && c.status === 404)?.body).toMatchObject({ error: 'customer_not_found' });
    expect(calls.find((c) => c.path === '/v1/reports/cohorts' && c.status === 400)?.body).toMatchObject({ error: 'window_too_long' });
  });
});
