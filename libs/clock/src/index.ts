export * from './clock';
export * from './backoff';
export * from './clock.module';
