import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { POSTGRES_POOL } from '@cx/postgres';
import { SETTINGS, Settings } from '@cx/settings';
import { PostgresViewStore } from './postgres-view-store';
import { ProjectionRegistry } from '../engine/projection-registry';
import { SqliteViewStore } from './sqlite-view-store';
import { VIEW_STORE, ViewStore } from './view-store.port';
import { snapshotsDirOf, ViewSnapshots } from './view-snapshots';

/** The snapshots of the view store (null: PostgreSQL, or none kept). */
export const VIEW_SNAPSHOTS = Symbol('ViewSnapshots');

/** `CX_VIEW_STORE`: the embedded file `views.sqlite` beside the events, or PostgreSQL over the process's pool. */
export async function openViewStore(settings: Settings, pool: Pool | null): Promise<ViewStore> {
  if (settings.viewStore === 'sqlite') return new SqliteViewStore(join(settings.dataDir, 'views.sqlite'));
  if (!pool) throw new Error('CX_POSTGRES_URL is required when CX_VIEW_STORE is postgres');
  const store = new PostgresViewStore(pool);
  await store.ensureSchema();
  return store;
}

/** Snapshots are kept of the embedded view store only: PostgreSQL has its own backups, and no file to copy. */
export function viewSnapshotsOf(store: ViewStore, settings: Settings): ViewSnapshots | null {
  const { every, kept } = settings.viewSnapshots;
  if (!(store instanceof SqliteViewStore) || every === 0 || kept === 0) return null;
  return new ViewSnapshots(snapshotsDirOf(store.path), store.path, every, kept);
}

@Global()
@Module({
  providers: [
    { provide: VIEW_STORE, inject: [SETTINGS, POSTGRES_POOL], useFactory: openViewStore },
    { provide: ProjectionRegistry, inject: [VIEW_STORE], useFactory: (store: ViewStore) => new ProjectionRegistry(store) },
    { provide: VIEW_SNAPSHOTS, inject: [VIEW_STORE, SETTINGS], useFactory: viewSnapshotsOf },
  ],
  exports: [VIEW_STORE, ProjectionRegistry, VIEW_SNAPSHOTS],
})
export class ViewStoreModule implements OnApplicationShutdown {
  constructor(@Inject(VIEW_STORE) private readonly store: ViewStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
