import { physicalTable, type ViewStore } from '@cx/projection';

/**
 * The physical table behind one of a projection's views, in its live generation: 1, or 2 when
 * the projector first met a log that already held events (then the first generation is built
 * as a rebuild).
 */
export async function liveTable(views: ViewStore, projection: string, table: string): Promise<string> {
  const record = await views.reader
    .selectFrom('projections')
    .select('active_generation')
    .where('name', '=', projection)
    .executeTakeFirstOrThrow();
  return physicalTable(table, Number(record.active_generation));
}
