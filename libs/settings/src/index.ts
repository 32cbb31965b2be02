export * from './settings';
export * from './settings.module';
export * from './secret-file';
