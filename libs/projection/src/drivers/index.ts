export * from './drivers.tables';
export * from './drivers.projection';
export * from './answer-flags';
export * from './driver-case-rows';
