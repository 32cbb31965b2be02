/** Test helpers of @cx/views for other libs' tests: one customer's stored events with readable times. */
export * from '../lifecycle/lifecycle.fixtures';
