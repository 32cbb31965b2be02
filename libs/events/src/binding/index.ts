export * from './binary-mode';
