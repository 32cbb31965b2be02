export * from './parameter-decorators';
export * from './common.params';
export * from './customers.params';
export * from './report.params';
export * from './report-window';
export * from './alerts.params';
export * from './drivers.params';
