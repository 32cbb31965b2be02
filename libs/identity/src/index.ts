export * from './customer-identifiers';
export * from './customer-resolution';
export * from './identity-directory.port';
export * from './batch-resolver';
export * from './identifier-digests';
export * from './sqlite/sqlite-identity-directory';
export * from './postgres/postgres-identity-directory';
export * from './identity.module';
