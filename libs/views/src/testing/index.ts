/** Test helpers of @cx/views: given/when/then for folds, and one customer's stored events with readable times. */
export * from './fold-specification';
export * from '../lifecycle/lifecycle.fixtures';
