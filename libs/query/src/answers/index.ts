export * from './customer.answers';
export * from './timeline.answers';
export * from './report.answers';
export * from './case.answers';
