/** CloudEvents as a channel system produces them to `cx.ingest`. */
export * from './ingest-messages';
