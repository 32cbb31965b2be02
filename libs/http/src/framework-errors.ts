import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { IncomingMessage, Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiErrorBody } from './api-error';
import { MAX_BODY_BYTES } from './json-body';

type ClientError = Error & { code?: string };

/** What the HTTP parser's error codes mean to a client (SPEC §3: a client error is a 4xx in the API's shape). */
const CLIENT_ERRORS: Partial<Record<string, { status: number; error: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    error: 'headers_too_large',
    message: 'the request headers are larger than the server accepts (16 KiB)',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, error: 'request_timeout', message: 'the request did not arrive in time' },
  ERR_HTTP_HEADERS_TIMEOUT: { status: 408, error: 'request_timeout', message: 'the request headers did not arrive in time' },
  HPE_INVALID_METHOD: { status: 400, error: 'invalid_method', message: 'the request method is not an HTTP method this server knows' },
  HPE_INVALID_HEADER_TOKEN: {
    status: 400,
    error: 'invalid_header',
    message: 'a header name or value holds a character HTTP does not allow (a NUL, a control character)',
  },
  HPE_INVALID_URL: { status: 400, error: 'invalid_url', message: 'the request target is not a valid URL' },
};

/**
 * Fastify options under which errors raised before any route runs (by the HTTP parser, the
 * router) answer in the API's shape rather than in Fastify's own.
 */
export function fastifyServerOptions(): FastifyServerOptions {
  return {
    bodyLimit: MAX_BODY_BYTES,
    // A URL whose percent-encoding does not decode (`/v1/customers/%ff`).
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      const body: ApiErrorBody = { error: 'invalid_url', message: `the URL is not valid: ${error.message}` };
      void reply.status(400).header('content-type', 'application/json; charset=utf-8').send(body);
    },
    clientErrorHandler: answerClientError,
  };
}

/** CONNECT never reaches a router: Node hands its socket over and, with no one to take it, closes it unanswered. */
export function refuseConnect(server: Server): void {
  server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    writeError(
      socket,
      405,
      { error: 'method_not_allowed', message: 'CONNECT is not served here: this is not a proxy' },
      'Allow: GET, POST\r\n',
    );
  });
}

/**
 * The HTTP parser rejected the request (a method it does not know, a NUL in a header,
 * headers over the limit): no request object exists, so the answer is written to the socket.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const known = CLIENT_ERRORS[error.code ?? ''];
  writeError(socket, known?.status ?? 400, {
    error: known?.error ?? 'bad_request',
    message: known?.message ?? 'the request is not valid HTTP/1.1',
  });
}

/** How long a refused connection may keep sending before it is cut. */
const LINGER_MS = 2_000;

/**
 * An error answer written straight to a socket, then closed. What the client is still
 * sending (256 KiB of headers, say) is read and dropped for a moment: closing a socket
 * with unread input sends a reset, and the client would lose the answer.
 */
function writeError(socket: Socket, status: number, body: ApiErrorBody, extraHeaders = ''): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n${extraHeaders}` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
