import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody } from './api-error';

const BODILESS_METHODS = new Set(['GET', 'HEAD']);

/**
 * What a request may carry as a body, beyond the JSON types the API reads (json-body.ts):
 * no other media type (text/plain included) is read, so any other is a 415; and a GET or
 * HEAD carries none, since nothing would read it.
 */
export function registerBodyRules(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!BODILESS_METHODS.has(request.method) || !carriesBody(request)) return;
    const body: ApiErrorBody = {
      error: 'body_not_allowed',
      message: `${request.method} takes no body; send the parameters in the query string`,
    };
    await reply.status(400).send(body);
  });
}

const carriesBody = (request: FastifyRequest): boolean => {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
};
