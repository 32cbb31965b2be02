import { Inject, Injectable } from '@nestjs/common';
import { SETTINGS, Settings } from '@cx/settings';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_ROLES, AccessRole, hashApiKey, newApiKey, parseApiKeys, StoredApiKey } from './api-key';

export interface GeneratedKey {
  key: string;
  role: AccessRole;
}

/**
 * The keys this process accepts: from `CX_API_KEYS` when set; otherwise from the key file
 * in the data folder, which the first start creates with one key per role. The keys
 * themselves are handed out once (`takeGenerated`) and never stored.
 */
@Injectable()
export class ApiKeyRegistry {
  private readonly byHash: Map<string, StoredApiKey>;
  private generated: GeneratedKey[] = [];

  constructor(@Inject(SETTINGS) settings: Settings) {
    const keys = settings.apiKeys ? parseApiKeys(settings.apiKeys) : this.loadOrCreate(join(settings.dataDir, 'api-keys.json'));
    this.byHash = new Map(keys.map((key) => [key.hash, key]));
  }

  /** The roles of a presented key, or undefined for an unknown key. */
  rolesOf(key: string): ReadonlySet<AccessRole> | undefined {
    const stored = this.byHash.get(hashApiKey(key));
    return stored && new Set(stored.roles);
  }

  /** Keys made on this start, once: the caller prints them. */
  takeGenerated(): GeneratedKey[] {
    const generated = this.generated;
    this.generated = [];
    return generated;
  }

  private loadOrCreate(file: string): StoredApiKey[] {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredApiKey[];
    this.generated = ACCESS_ROLES.map((role) => ({ role, key: newApiKey(role) }));
    const stored = this.generated.map(({ role, key }) => ({ hash: hashApiKey(key), roles: [role], label: `generated ${role} key` }));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    return stored;
  }
}
