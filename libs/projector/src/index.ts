export * from './projection-runner';
export * from './projection-engine';
export * from './read-your-writes';
