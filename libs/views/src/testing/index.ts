/** Test helpers of @cx/views for its own and other libs' tests: given/when/then for folds, sample ledgers, and present() for what a test goes on from. */
export * from './fold-specification';
export * from './present';
export * from './seeded-random';
export * from './appended-events';
export * from '../lifecycle/lifecycle.fixtures';
export * from '../loyalty/loyalty.fixtures';
export { at, caseEventOf, eventFactory, foldCase, foldCases, type CaseEventMaker, type CaseStep } from '../cases/case-test-kit';
export * from '../cases/handoff-dataset';
