export * from './chain-verification';
export * from './projections.controller';
export * from './ops.module';
