export * from './field-cipher';
export * from './personal-fields';
export * from './customer-keys.port';
export * from './sqlite-customer-keys';
export * from './postgres-customer-keys';
export * from './sealed-event-store';
export * from './forget-customer';
export * from './privacy.module';
