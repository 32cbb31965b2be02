export * from './clock';
export * from './backoff';
export * from './wakeup';
export * from './clock.module';
