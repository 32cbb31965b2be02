import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { ApiErrorBody, apiErrorBody, codeFor } from './api-error';
import { JSON_MEDIA_TYPES, MAX_BODY_BYTES } from './json-body';
import { isStoreUnavailable } from './store-unavailable';

/** The methods the API's routes use, to tell "no such route" (404) from "not with this method" (405). */
const ROUTE_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Codes of Fastify's own errors, as the API names them. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INSTANCE_ALREADY_STARTED: 'bad_request',
};

/**
 * PostgreSQL's SQLSTATEs for text it cannot store (a NUL byte, a character outside UTF-8):
 * such text only ever comes from the request, so it is the client's error.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/**
 * Answers every error in the API's shape. A store that is away (SPEC §4.1) is a 503 the
 * client may retry; any other unexpected error is logged and answered 500 without its internals.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    if (exception instanceof NotFoundException && isUnrouted(http.getRequest<FastifyRequest>())) {
      answerUnrouted(http.getRequest<FastifyRequest>(), reply);
      return;
    }
    if (exception instanceof HttpException) {
      void reply.status(exception.getStatus()).send(apiErrorBody(exception));
      return;
    }
    const status = fastifyStatus(exception);
    if (status !== undefined && status < 500) {
      void reply.status(status).send(frameworkErrorBody(status, exception as Error & { code?: string }, http.getRequest<FastifyRequest>()));
      return;
    }
    if (UNSTORABLE_TEXT.has(String((exception as { code?: unknown } | null)?.code))) {
      void reply
        .status(400)
        .send({ error: 'invalid_parameter', message: 'a parameter holds a character that cannot be stored (a NUL byte?)' });
      return;
    }
    if (isStoreUnavailable(exception)) {
      this.logger.warn(`store unavailable: ${(exception as Error).message}`);
      void reply.status(503).header('retry-after', '1').send(STORE_UNAVAILABLE);
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    void reply.status(500).send({ error: 'internal', message: 'internal error; the request was not completed' });
  }
}

const STORE_UNAVAILABLE = {
  error: 'store_unavailable',
  message:
    'a store is unavailable (restarting or unreachable); try again shortly: an event sent again is answered duplicate if it was stored',
};

/** Nest answers a request that matched no route with a NotFoundException; Fastify then has no route for it. */
const isUnrouted = (request: FastifyRequest | undefined): boolean => request !== undefined && request.routeOptions.url === undefined;

/** 405 with `Allow` when the path has routes for other methods; otherwise 404. */
function answerUnrouted(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0];
  // Fastify types findRoute as always found, but it answers null where no route matches.
  const allowed = ROUTE_METHODS.filter((method) => (request.server.findRoute({ method, url: path }) as object | null) !== null);
  if (allowed.length > 0) {
    const body: ApiErrorBody = {
      error: 'method_not_allowed',
      message: `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}`,
    };
    void reply.status(405).header('allow', allowed.join(', ')).send(body);
    return;
  }
  void reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${path}` } satisfies ApiErrorBody);
}

/** Errors raised before a route runs: our JSON parser's, and Fastify's own (body too large, bad media type). */
function frameworkErrorBody(status: number, error: Error & { code?: string }, request: FastifyRequest | undefined): ApiErrorBody {
  if (error.code === 'malformed_json' || error.code === 'unsupported_media_type') return { error: error.code, message: error.message };
  if (status === 413) return { error: 'payload_too_large', message: `the body is larger than the limit of ${MAX_BODY_BYTES} bytes` };
  const code = FASTIFY_CODES[error.code ?? ''] ?? codeFor(status);
  if (code === 'unsupported_media_type') {
    const type = request?.headers['content-type'];
    return {
      error: code,
      message: `${type ? `content-type "${type}" is` : 'a body without a content-type is'} not read here: send ${JSON_MEDIA_TYPES.join(', ')}`,
    };
  }
  return { error: code, message: error.message };
}

/** Errors Fastify raises itself (body too large, bad media type) carry their status. */
export const fastifyStatus = (error: unknown): number | undefined => {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
};
