export * from './loyalty.tables';
export * from './loyalty.projection';
export * from './loyalty-aliases';
export { caseVersionRows } from './case-versions';
export { monthOf } from './fact-rows';
