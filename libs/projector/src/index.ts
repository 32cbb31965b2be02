export * from './projection-runner';
export * from './projection-engine';
export * from './read-your-writes';
export * from './projector.module';
export * from './partition-checkpoints';
export * from './partition-feed';
