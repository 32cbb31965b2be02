import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Metrics } from './metrics';

/** Reads wait up to 10 s for `after=`; the buckets reach past that. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

/** The route every request of a path pattern counts under; one label for all that matched none, so a scan cannot explode the series. */
const UNROUTED = 'unrouted';

/** Ingest's dead letters, HTTP and Kafka alike: one counter to alert on. */
export const DEAD_LETTERS = {
  name: 'cx_ingest_dead_letters_total',
  help: 'Input that could not become events: Kafka messages written to cx.ingest.dlq, and POST /v1/events bodies refused whole, by transport and reason',
  labelNames: ['transport', 'reason'] as const,
};

/**
 * `cx_http_request_duration_seconds` by method, route (the path pattern) and status, for
 * every answer; and the POST /v1/events bodies refused before any event was read (not
 * JSON, not a type the API reads, over a limit) as HTTP dead letters by their error code.
 * Registered on Fastify before the routes, so every route is observed.
 */
export function observeHttp(app: NestFastifyApplication): void {
  const metrics = app.get(Metrics);
  const duration = metrics.histogram({
    name: 'cx_http_request_duration_seconds',
    help: 'Time from request to answer, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
  });
  const deadLetters = metrics.counter(DEAD_LETTERS);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? UNROUTED, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (reply.statusCode < 400 || reply.statusCode >= 500 || request.method !== 'POST' || request.routeOptions.url !== '/v1/events')
      return payload;
    deadLetters.inc({ transport: 'http', reason: errorCodeOf(payload) });
    return payload;
  });
}

/** The reasons Kafka's dead letters give, for the same refusals over HTTP: one vocabulary to alert on. */
const KAFKA_REASON: Record<string, string> = { unsupported_media_type: 'unsupported_content_type' };

/** The `error` of an answer in the API's shape, as a dead-letter reason; `unknown` for anything else. */
function errorCodeOf(payload: unknown): string {
  try {
    const code = (JSON.parse(String(payload)) as { error?: unknown }).error;
    return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? (KAFKA_REASON[code] ?? code) : 'unknown';
  } catch {
    return 'unknown';
  }
}
