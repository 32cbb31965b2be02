import type { FastifyInstance } from 'fastify';

/** SPEC §1.1: a batch is at most 5 MiB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The media types the API reads: JSON, CloudEvents structured mode and batches (SPEC §1.1). */
export const JSON_MEDIA_TYPES = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'];

/**
 * JSON bodies parsed by us rather than by the framework, so that malformed JSON is a
 * clear 400 in the API's shape and a body over the batch limit a 413.
 */
export function registerJsonBody(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(JSON_MEDIA_TYPES, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(
        Object.assign(new Error(`the body is not valid JSON: ${(error as Error).message}`), { statusCode: 400, code: 'malformed_json' }),
        undefined,
      );
    }
  });
}
