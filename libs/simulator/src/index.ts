export * from './random';
export * from './simulate';
export * from './customer-hint';
export * from './sinks';
export * from './cli/simulate.command';
