export * from './chain-verification';
export * from './projections.controller';
export * from './ops.module';
export * from './identity-conflicts.controller';
