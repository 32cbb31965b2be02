import {
  BeforeApplicationShutdown,
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  ModuleMetadata,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { CLOCK, Clock } from '@cx/clock';
import { EVENT_LOG, EVENT_STORAGE, EventStorage, EventStore } from '@cx/event-store';
import { POSTGRES_POOL } from '@cx/postgres';
import { SETTINGS, Settings } from '@cx/settings';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { CHECKPOINT_PUBLISHER, CheckpointPublisher, CheckpointWriter } from './checkpoint-writer';
import { EventStoreLeaves } from './event-store-leaves';
import { MerkleLog } from './merkle-log';
import type { LeafSource } from './merkle-log.port';
import { PostgresEventLeaves, PostgresMerkleLogStore } from './postgres/postgres-merkle-log';
import { loadOrCreateSigner } from './signing-key';
import { SqliteEventLeaves, SqliteMerkleLogStore } from './sqlite/sqlite-merkle-log';

interface OpenLog {
  log: MerkleLog;
  close(): Promise<void>;
}

const OPEN_LOG = Symbol('OpenMerkleLog');

/**
 * The tree lives in the event store's database, in tables of its own: the embedded file,
 * or the schema `cx_merkle` beside `cx_events`. EventStoreDB's log is not a database the
 * tree can sit in: there it lives in PostgreSQL when `CX_POSTGRES_URL` is set, else in
 * `merkle.sqlite` in the data folder (docs/tamper-evidence.md), fed from the store's
 * global order.
 */
export async function openMerkleLog(settings: Settings, storage: EventStorage, pool: Pool | null, events: EventStore): Promise<OpenLog> {
  const home = storage.home;
  const kept = async () => undefined;
  if (home.kind === 'sqlite') return sqliteLog(new SqliteMerkleLogStore(home.writer), (store) => new SqliteEventLeaves(store.reader));
  if (home.kind === 'postgres')
    return { log: new MerkleLog(await PostgresMerkleLogStore.open(home.pool), new PostgresEventLeaves(home.pool)), close: kept };
  if (pool) return { log: new MerkleLog(await PostgresMerkleLogStore.open(pool), new EventStoreLeaves(events)), close: kept };
  const db = openSqlite(join(settings.dataDir, 'merkle.sqlite'));
  const opened = sqliteLog(new SqliteMerkleLogStore(new SqliteWriter(db)), () => new EventStoreLeaves(events));
  return {
    log: opened.log,
    close: async () => {
      await opened.close();
      db.close();
    },
  };
}

function sqliteLog(store: SqliteMerkleLogStore, source: (store: SqliteMerkleLogStore) => LeafSource): OpenLog {
  return { log: new MerkleLog(store, source(store)), close: () => store.close() };
}

/** The Merkle log (SPEC §4.2) over the process's event store: for the writer, the ops routes and the CLI. */
@Global()
@Module({
  providers: [
    { provide: OPEN_LOG, inject: [SETTINGS, EVENT_STORAGE, POSTGRES_POOL, EVENT_LOG], useFactory: openMerkleLog },
    { provide: MerkleLog, inject: [OPEN_LOG], useFactory: (open: OpenLog) => open.log },
  ],
  exports: [MerkleLog],
})
export class MerkleLogModule implements OnApplicationShutdown {
  constructor(@Inject(OPEN_LOG) private readonly open: OpenLog) {}

  async onApplicationShutdown(): Promise<void> {
    await this.open.close();
  }
}

/** Runs the checkpoint writer in this process: extends the tree, signs, publishes. */
@Injectable()
export class CheckpointWriterService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly writer: CheckpointWriter;

  constructor(
    log: MerkleLog,
    @Inject(SETTINGS) settings: Settings,
    @Inject(CLOCK) clock: Clock,
    @Optional() @Inject(CHECKPOINT_PUBLISHER) publisher: CheckpointPublisher | null = null,
  ) {
    this.writer = new CheckpointWriter(log, loadOrCreateSigner(settings.signingKeyFile), publisher, clock, {
      intervalMs: settings.checkpointIntervalMs,
    });
  }

  onApplicationBootstrap(): void {
    this.writer.start();
  }

  /** Before the stores close: the last checkpoint still needs them. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer.stop();
  }
}

/** The writer, with what provides its publisher (a module exporting CHECKPOINT_PUBLISHER; none: checkpoints stay in the store). */
@Module({})
export class CheckpointWriterModule {
  static forRoot(options: { imports?: ModuleMetadata['imports'] } = {}): DynamicModule {
    return {
      module: CheckpointWriterModule,
      imports: options.imports ?? [],
      providers: [CheckpointWriterService],
      exports: [CheckpointWriterService],
    };
  }
}
