export * from './replay-sinks';
export * from './replay';
