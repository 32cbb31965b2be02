import { Client, ClientConfig } from 'pg';
import type { AppendSignal } from '../append-signal';

const RECONNECT_MS = 1_000;

/**
 * Wakes this process's subscriptions when any process commits an append: appenders
 * `pg_notify` inside their transaction, which PostgreSQL delivers only on COMMIT. It only
 * shortens the wait: subscriptions still poll, and always read from their checkpoint, so
 * a notification lost while this connection is down delays an event but never skips it.
 */
export class PostgresAppendListener {
  private client: Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly signal: AppendSignal,
  ) {}

  start(): void {
    if (this.client || this.reconnect || this.closed) return;
    void this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    this.reconnect = undefined;
    const client = new Client(this.config);
    this.client = client;
    client.on('notification', () => this.signal.notify());
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      // Whatever was appended while this connection was down is found by the next read.
      this.signal.notify();
    } catch {
      this.lost(client);
    }
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (!this.closed) this.reconnect = setTimeout(() => void this.listen(), RECONNECT_MS);
  }
}
