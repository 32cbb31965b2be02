import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteViewStore } from '../view-store/sqlite-view-store';
import { describeAlertsProjectionContract } from '../testing/alerts-projection.contract';

describeAlertsProjectionContract('SQLite view store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-alerts-'));
  const views = new SqliteViewStore(join(dir, 'views.sqlite'));
  return {
    views,
    dispose: async () => {
      await views.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
