import { HttpException } from '@nestjs/common';

/** SPEC §3: every error answer is `{ error: code, message, details? }`. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  503: 'unavailable',
};

/** An error for a client, with its status, code and message. */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: unknown) {
    super({ error: code, message, ...(details === undefined ? {} : { details }) } satisfies ApiErrorBody, status);
  }
}

/** The answer body for any HttpException, in the API's shape. */
export function apiErrorBody(exception: HttpException): ApiErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse() as string | (Omit<Partial<ApiErrorBody>, 'message'> & { message?: unknown });
  if (typeof response === 'string') return { error: codeFor(status), message: response };
  const code = typeof response.error === 'string' && /^[a-z_]+$/.test(response.error) ? response.error : codeFor(status);
  const message = Array.isArray(response.message)
    ? response.message.join('; ')
    : typeof response.message === 'string'
      ? response.message
      : exception.message;
  return { error: code, message, ...(response.details === undefined ? {} : { details: response.details }) };
}

export const codeFor = (status: number): string => CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'error');
