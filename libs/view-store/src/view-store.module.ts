import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { SETTINGS, Settings } from '@cx/settings';
import { PostgresViewStore } from './postgres-view-store';
import { ProjectionRegistry } from './projection-registry';
import { SqliteViewStore } from './sqlite-view-store';
import { VIEW_STORE, ViewStore } from './view-store.port';

/** `CX_VIEW_STORE`: the embedded file `views.sqlite` beside the events, or PostgreSQL. */
export async function openViewStore(settings: Settings): Promise<ViewStore> {
  if (settings.viewStore === 'sqlite') return new SqliteViewStore(join(settings.dataDir, 'views.sqlite'));
  const store = new PostgresViewStore(settings.postgresUrl!);
  await store.ensureSchema();
  return store;
}

@Global()
@Module({
  providers: [
    { provide: VIEW_STORE, inject: [SETTINGS], useFactory: openViewStore },
    { provide: ProjectionRegistry, inject: [VIEW_STORE], useFactory: (store: ViewStore) => new ProjectionRegistry(store) },
  ],
  exports: [VIEW_STORE, ProjectionRegistry],
})
export class ViewStoreModule implements OnApplicationShutdown {
  constructor(@Inject(VIEW_STORE) private readonly store: ViewStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
