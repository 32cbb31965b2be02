import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { customerAudit } from '@cx/ops';
import { customerStreams, VIEW_STORE, ViewStore } from '@cx/projection';
import { instantParam, toCsv } from '@cx/query';

interface AuditOptions {
  knownAt?: string;
  format: 'jsonl' | 'csv';
}

const COLUMNS = ['position', 'streamId', 'revision', 'recordedAt', 'time', 'source', 'id', 'type', 'hash', 'previousHash', 'chainChecks'];

/** `cx audit customer <id> [--known-at T] [--format jsonl|csv]`: every stored event of the customer with its chain check. */
@Command({ name: 'audit', arguments: '<subject> <id>', description: 'audit a customer: every stored event with position, recordedAt, source and chain check' })
export class AuditCommand extends CommandRunner {
  constructor(@Inject(EVENT_LOG) private readonly events: EventStore, @Inject(VIEW_STORE) private readonly views: ViewStore) {
    super();
  }

  async run([subject, id]: string[], options: AuditOptions): Promise<void> {
    if (subject !== 'customer') throw new Error(`cx audit: only "customer" can be audited (got "${subject}")`);
    const knownAt = options.knownAt ? instantParam('--known-at', options.knownAt, 0) : undefined;
    const { streams } = await customerStreams(this.views.reader, id);
    const rows = (await customerAudit(this.events, streams, knownAt)).map((e) => ({ ...e, recordedAt: new Date(e.recordedAt).toISOString(), time: new Date(e.time).toISOString() }));
    if (options.format === 'csv') process.stdout.write(toCsv(COLUMNS, rows));
    else for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    if (rows.some((r) => !r.chainChecks)) process.exitCode = 1;
  }

  @Option({ flags: '--known-at <time>', description: 'only events recorded at or before this RFC 3339 time' })
  parseKnownAt(value: string): string {
    return value;
  }

  @Option({ flags: '--format <format>', description: 'jsonl (default) or csv', defaultValue: 'jsonl' })
  parseFormat(value: string): string {
    if (value !== 'jsonl' && value !== 'csv') throw new Error('--format must be jsonl or csv');
    return value;
  }
}
