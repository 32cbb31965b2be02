/** Test helpers of @cx/views for its own and other libs' tests: given/when/then for folds, and sample ledgers. */
export * from './fold-specification';
export * from '../lifecycle/lifecycle.fixtures';
export * from '../loyalty/loyalty.fixtures';
export { at, eventFactory, foldCase, foldCases } from '../cases/case-test-kit';
export * from '../cases/handoff-dataset';
