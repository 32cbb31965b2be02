import { DynamicModule, Global, Module } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { loadSettings, Settings } from './settings';

export const SETTINGS = Symbol('Settings');

/**
 * Settings come from the environment; a `.env` file in the working folder fills in what
 * the environment does not set (Node's own loader, so nothing overrides a real variable).
 */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings?: Settings): DynamicModule {
    return {
      module: SettingsModule,
      providers: [{ provide: SETTINGS, useFactory: () => settings ?? settingsFromEnvironment() }],
      exports: [SETTINGS],
    };
  }
}

export function settingsFromEnvironment(): Settings {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadSettings(process.env);
}
