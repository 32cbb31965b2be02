import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target exactly as it goes on the wire (not re-encoded). */
  target: string;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
}

export interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  text: string;
}

/**
 * One HTTP/1.1 request written byte for byte on a socket: what fetch refuses to send (a NUL
 * in a header, a method HTTP does not know, a broken percent-encoding) is sent as it is.
 */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Array<[string, string]> = [['host', `${hostname}:${port}`], ['connection', 'close'], ...(request.headers ?? [])];
  if (body !== undefined && !headers.some(([name]) => name.toLowerCase() === 'content-length'))
    headers.push(['content-length', String(body.length)]);
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(30_000, () => socket.destroy(new Error(`no answer to ${request.method} ${request.target.slice(0, 80)}`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    const settle = () => {
      try {
        resolve(parse(Buffer.concat(chunks), request.method));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    socket.on('error', (error) => (chunks.length > 0 ? settle() : reject(error)));
    socket.on('end', settle);
    // The server may answer (and close) before it has read a body it refuses: that is not an error.
    socket.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1'), () => undefined);
  });
}

function parse(raw: Buffer, method: string): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers = new Map(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
    }),
  );
  const rest = raw.subarray(split + 4);
  const body = method === 'HEAD' ? Buffer.alloc(0) : headers.get('transfer-encoding') === 'chunked' ? unchunk(rest) : rest;
  return { status, headers, text: body.toString('utf8') };
}

function unchunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < raw.length;) {
    const lineEnd = raw.indexOf('\r\n', at);
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
