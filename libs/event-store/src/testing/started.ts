/**
 * Undoes in afterAll what beforeAll started, if it got that far: a beforeAll that failed
 * leaves its variable unassigned, though TypeScript types it as assigned.
 */
export async function stopIfStarted<T>(started: T | undefined, stop: (it: T) => unknown): Promise<void> {
  if (started !== undefined) await stop(started);
}
