export * from './loyalty.tables';
export * from './loyalty.projection';
export { caseVersionRows } from './case-versions';
export { monthOf } from './fact-rows';
