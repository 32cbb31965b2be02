export * from './customer-identifiers';
export * from './customer-resolution';
export * from './identity-directory.port';
export * from './batch-resolver';
