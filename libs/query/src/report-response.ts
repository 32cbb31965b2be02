import type { FastifyReply } from 'fastify';
import { toCsv, wantsCsv } from './csv';

/** A report as JSON, or as CSV rows with the same numbers when the client asks for text/csv. */
export function sendReport(
  reply: FastifyReply,
  accept: string | undefined,
  json: unknown,
  csv: () => { columns: string[]; rows: Array<Record<string, unknown>> },
) {
  if (!wantsCsv(accept)) return reply.send(json);
  const { columns, rows } = csv();
  return reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(columns, rows));
}
