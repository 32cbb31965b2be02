export * from './query-params';
export * from './customer-read-model';
export * from './customers.controller';
export * from './query.module';
