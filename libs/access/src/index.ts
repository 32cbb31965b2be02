export * from './api-key';
export * from './api-key-registry';
export * from './access.decorators';
export * from './api-key.guard';
export * from './access.module';
