export * from './event-types';
export * from './event-data';
export * from './cloud-event';
export * from './ledger-event';
export * from './canonical-json';
export * from './validation/event-error';
export * from './validation/event-time';
export * from './validation/validate-cloud-event';
