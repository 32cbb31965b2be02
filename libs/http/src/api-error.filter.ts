import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { apiErrorBody, codeFor } from './api-error';
import { MAX_BODY_BYTES } from './json-body';
import { isStoreUnavailable } from './store-unavailable';

/**
 * Answers every error in the API's shape. A store that is away (SPEC §4.1) is a 503 the
 * client may retry; any other unexpected error is logged and answered 500 without its internals.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException) {
      void reply.status(exception.getStatus()).send(apiErrorBody(exception));
      return;
    }
    const status = fastifyStatus(exception);
    if (status !== undefined && status < 500) {
      void reply.status(status).send(frameworkErrorBody(status, exception as Error & { code?: string }));
      return;
    }
    if (isStoreUnavailable(exception)) {
      this.logger.warn(`store unavailable: ${(exception as Error).message}`);
      void reply.status(503).header('retry-after', '1').send(STORE_UNAVAILABLE);
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    void reply.status(500).send({ error: 'internal', message: 'internal error; the request was not completed' });
  }
}

const STORE_UNAVAILABLE = {
  error: 'store_unavailable',
  message: 'a store is unavailable (restarting or unreachable); try again shortly: an event sent again is answered duplicate if it was stored',
};

/** Errors raised before a route runs: our JSON parser's, and Fastify's own (body too large, bad media type). */
function frameworkErrorBody(status: number, error: Error & { code?: string }) {
  if (error.code === 'malformed_json') return { error: 'malformed_json', message: error.message };
  if (status === 413) return { error: 'payload_too_large', message: `the body is larger than the limit of ${MAX_BODY_BYTES} bytes` };
  return { error: codeFor(status), message: error.message };
}

/** Errors Fastify raises itself (body too large, bad media type) carry their status. */
export const fastifyStatus = (error: unknown): number | undefined => {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
};
