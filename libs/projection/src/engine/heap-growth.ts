import { setFlagsFromString } from 'node:v8';

/**
 * Has V8 collect once the heap is half again what its last full collection kept, where by
 * default it lets garbage grow the heap to about four times that. For batch work that folds
 * the log (`cx rebuild`, known-at, verify), which keeps little between batches: a rebuild
 * of all views over 981,952 events kept 45-52 MB after each full collection, yet its heap
 * stood at 230-300 MB, more than half of its peak RSS. With this, batches of 20,000 events
 * peaked at 379 MiB where they reached 611, at the cost of a full collection (10-25 ms)
 * every few seconds. Process-wide, so set by the process's entry point, not by a server.
 */
export function collectGarbageSooner(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
