export * from './loyalty-params';
export * from './loyalty-report-sql';
export * from './loyalty-report.builders';
export { cohortReportInSql } from './cohort-sql';
export { LoyaltyReportsController } from './loyalty-reports.controller';
export { LoyaltyQueryModule } from './loyalty-query.module';
