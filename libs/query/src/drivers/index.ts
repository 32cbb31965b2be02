export * from './drivers-params';
export * from './drivers-report-sql';
export * from './drivers-report.builder';
export { DriversReportController } from './drivers.controller';
export { DriversQueryModule } from './drivers-query.module';
