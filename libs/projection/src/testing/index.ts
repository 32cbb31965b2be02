/** Random ledgers to project, given/when/then for projections, and what a consumer of `cx.events` relies on. */
export * from './canonical-stream';
export * from './projection-specification';
export * from './random-ledger';
