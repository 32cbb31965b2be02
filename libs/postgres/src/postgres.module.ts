import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { SETTINGS, Settings } from '@cx/settings';
import { openPostgresPool } from './postgres-pool';

/** The process's PostgreSQL pool, or null when no store of the process is in PostgreSQL. */
export const POSTGRES_POOL = Symbol('PostgresPool');

/**
 * Whether any adapter the settings choose lives in PostgreSQL: the event store, the view
 * store, or (beside EventStoreDB) the identity directory and customer keys.
 */
export function usesPostgres(settings: Settings): boolean {
  return postgresUrlOf(settings) !== null;
}

/** The server's URL when the process uses PostgreSQL (see usesPostgres), else null. */
function postgresUrlOf({ postgresUrl, eventStore, viewStore }: Settings): string | null {
  if (!postgresUrl) return null;
  return eventStore !== 'sqlite' || viewStore === 'postgres' ? postgresUrl : null;
}

function openProcessPool(settings: Settings): Pool | null {
  const url = postgresUrlOf(settings);
  if (url === null) return null;
  const logger = new Logger('PostgreSQL');
  return openPostgresPool(url, { onError: (error) => logger.warn(`connection lost: ${error.message}`) });
}

/**
 * One pool per process, shared by every PostgreSQL adapter (SPEC §4.1: a store that
 * restarts makes requests fail while it is away; the process stays up). Import it before
 * the store modules: Nest shuts global modules down in reverse order, so the pool ends
 * after every adapter over it has closed.
 */
@Global()
@Module({
  providers: [{ provide: POSTGRES_POOL, inject: [SETTINGS], useFactory: openProcessPool }],
  exports: [POSTGRES_POOL],
})
export class PostgresModule implements OnApplicationShutdown {
  constructor(@Inject(POSTGRES_POOL) private readonly pool: Pool | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }
}
