import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { MerkleLog } from '@cx/merkle-log';
import { auditProofs, customerAudit } from '@cx/ops';
import { customerStreams, VIEW_STORE, ViewStore } from '@cx/projection';
import { instantParam, toCsv } from '@cx/query';

interface AuditOptions {
  knownAt?: string;
  format: 'jsonl' | 'csv';
  proof?: boolean;
}

const COLUMNS = ['position', 'streamId', 'revision', 'recordedAt', 'time', 'source', 'id', 'type', 'hash', 'previousHash', 'chainChecks'];

/**
 * `cx audit customer <id> [--known-at T] [--format jsonl|csv] [--proof]`: every stored event
 * of the customer with its chain check; with `--proof` (JSON lines), each with its inclusion
 * proof against the latest signed checkpoint, which comes first as `{"checkpoint": …}`.
 */
@Command({
  name: 'audit',
  arguments: '<subject> <id>',
  description: 'audit a customer: every stored event with position, recordedAt, source and chain check',
})
export class AuditCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    private readonly log: MerkleLog,
  ) {
    super();
  }

  async run([subject, id]: string[], options: AuditOptions): Promise<void> {
    if (subject !== 'customer') throw new Error(`cx audit: only "customer" can be audited (got "${subject}")`);
    const knownAt = options.knownAt ? instantParam('--known-at', options.knownAt, 0) : undefined;
    const { streams } = await customerStreams(this.views.reader, id);
    const entries = await customerAudit(this.events, streams, knownAt);
    const rows = entries.map((e) => ({ ...e, recordedAt: new Date(e.recordedAt).toISOString(), time: new Date(e.time).toISOString() }));
    if (options.proof) {
      if (options.format === 'csv') throw new Error('--proof answers JSON lines only');
      const proofs = await auditProofs(this.log, entries);
      process.stdout.write(`${JSON.stringify({ checkpoint: proofs.checkpoint })}\n`);
      for (const row of rows)
        process.stdout.write(`${JSON.stringify({ ...row, inclusion: proofs.inclusion.get(row.position) ?? null })}\n`);
    } else if (options.format === 'csv') process.stdout.write(toCsv(COLUMNS, rows));
    else for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    if (rows.some((r) => !r.chainChecks)) process.exitCode = 1;
  }

  @Option({ flags: '--known-at <time>', description: 'only events recorded at or before this RFC 3339 time' })
  parseKnownAt(value: string): string {
    return value;
  }

  @Option({ flags: '--proof', description: 'each event with its inclusion proof against the latest signed checkpoint (SPEC §4.2)' })
  parseProof(): boolean {
    return true;
  }

  @Option({ flags: '--format <format>', description: 'jsonl (default) or csv', defaultValue: 'jsonl' })
  parseFormat(value: string): string {
    if (value !== 'jsonl' && value !== 'csv') throw new Error('--format must be jsonl or csv');
    return value;
  }
}
