export * from './case-queries';
export * from './handoff-report-queries';
export * from './case-json';
export * from './cases.controller';
export * from './handoff-report.controller';
export * from './cases-query.module';
