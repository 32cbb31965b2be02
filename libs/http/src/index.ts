export * from './api-error';
export * from './api-error.filter';
export * from './json-body';
export * from './store-unavailable';
