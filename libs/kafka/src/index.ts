export * from './kafka-options';
export * from './kafka-client';
export * from './headers';
export * from './canonical-message';
export * from './group-member';
