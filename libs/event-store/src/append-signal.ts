import { Wakeup } from '@cx/clock';

/**
 * Wakes waiting subscribers when this process appends, so live events do not wait for the
 * next poll; `wait(ms)` still ends after `ms`, as other processes may append to the same store.
 */
export class AppendSignal extends Wakeup {}
