import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import type { Pool } from 'pg';
import { POSTGRES_IDENTITY_TABLES } from '@cx/identity';
import { Erasure } from '@cx/ops';
import { POSTGRES_POOL, reclaimErasedRows } from '@cx/postgres';
import { POSTGRES_CUSTOMER_KEYS_TABLE } from '@cx/privacy';
import { SETTINGS, Settings } from '@cx/settings';

/**
 * `cx forget <customer>`: erasure as SPEC §4.3, the same as POST /v1/ops/customers/:id/forget;
 * then, where the identity directory or the keys are in PostgreSQL, the VACUUM, checkpoint and
 * WAL switch that let the deleted rows leave the database's files (docs/erasure.md).
 */
@Command({
  name: 'forget',
  arguments: '<customer>',
  description: "erase a customer's personal data: delete its keys and append cx.customer.forgotten.v1",
})
export class ForgetCommand extends CommandRunner {
  constructor(
    private readonly erasure: Erasure,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(POSTGRES_POOL) private readonly pool: Pool | null,
  ) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    const result = await this.erasure.forget(id);
    if (!result) throw new Error(`no stored events for customer ${id}`);
    process.stdout.write(
      `forgot ${result.customerId}: ${result.keysDestroyed} key(s) deleted over ${result.streams.length} stream(s); cx.customer.forgotten.v1 at position ${result.position}\n`,
    );
    await this.reclaim();
  }

  private async reclaim(): Promise<void> {
    // Beside EventStoreDB and PostgreSQL events, the directory and the keys are in PostgreSQL (the identity and privacy modules' rule).
    if (!this.pool || this.settings.eventStore === 'sqlite') return;
    const tables = [...POSTGRES_IDENTITY_TABLES, POSTGRES_CUSTOMER_KEYS_TABLE];
    for (const step of await reclaimErasedRows(this.pool, tables)) {
      process.stdout.write(
        step.done ? `ran: ${step.statement}\n` : `could not run: ${step.statement} (${step.error}); see docs/erasure.md\n`,
      );
    }
  }
}
