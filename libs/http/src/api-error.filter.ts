import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { apiErrorBody, codeFor } from './api-error';
import { MAX_BODY_BYTES } from './json-body';

/** Answers every error in the API's shape; an unexpected one is logged and answered 500 without its internals. */
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
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    void reply.status(500).send({ error: 'internal', message: 'internal error; the request was not completed' });
  }
}

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
