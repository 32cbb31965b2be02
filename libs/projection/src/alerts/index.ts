export * from './alerts.tables';
export * from './alert-outbox';
export * from './alert-rows';
export { ALERT_EVENT_TYPES } from './alert-facts';
export * from './alerts.projection';
