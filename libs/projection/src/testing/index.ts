/** Random ledgers to project, and what a consumer of `cx.events` relies on. */
export * from './canonical-stream';
export * from './random-ledger';
