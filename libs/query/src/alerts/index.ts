export * from './alert-queries';
export * from './closed-loop-queries';
export * from './alerts-query.module';
