import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@cx/alerts';

export interface ReceivedAlert {
  id: string;
  type: string;
  signal: string;
  raisedAt: string;
  receivedAt: number;
  signed: boolean;
}

/**
 * A local webhook receiver, as a team would run one: checks every signature, answers 204,
 * and keeps every delivery (repeats included) so a test can count them.
 */
export class WebhookReceiver {
  readonly received: ReceivedAlert[] = [];
  private server?: Server;
  private port = 0;

  constructor(private readonly secret: string) {}

  /** Listens (again on the same port after a stop, so the URL in the server's settings stays valid). */
  async start(): Promise<string> {
    const server = createServer(
      (request, response) =>
        void this.handle(request).then(
          (status) => response.writeHead(status).end(),
          () => response.writeHead(400).end(),
        ),
    );
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/alerts`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Distinct (type, id) pairs received. */
  distinct(): Set<string> {
    return new Set(this.received.map((r) => `${r.type}|${r.id}`));
  }

  private async handle(request: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const event = JSON.parse(body.toString('utf8')) as { id: string; type: string; data: { signal: string; raisedAt: string } };
    this.received.push({
      id: event.id,
      type: event.type,
      signal: event.data.signal,
      raisedAt: event.data.raisedAt,
      receivedAt: Date.now(),
      signed: verifyWebhookSignature(body, this.secret, request.headers['x-cx-signature'] as string | undefined),
    });
    return 204;
  }
}
