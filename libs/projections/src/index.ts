export * from './sql-batches';
export * from './lifecycle/lifecycle.tables';
export * from './lifecycle/lifecycle.projection';
export * from './lifecycle/customer-aliases';
export * from './projections.module';
