import { join } from 'node:path';

/** SPEC §5: every setting, read and checked once at start. */
export type Role = 'ingest' | 'projector' | 'query';
export const ROLES: readonly Role[] = ['ingest', 'projector', 'query'];

export interface Settings {
  port: number;
  dataDir: string;
  eventStore: 'sqlite' | 'postgres' | 'eventstoredb';
  viewStore: 'sqlite' | 'postgres';
  postgresUrl?: string;
  eventStoreUrl?: string;
  kafkaBrokers: string[];
  /**
   * Where projector processes read events for the live views: `store` follows the event
   * store's global order (one runner per view); `kafka` shares the partitions of
   * `cx.events` in a consumer group, so views scale past one process.
   */
  projectorSource: 'store' | 'kafka';
  /**
   * `CX_PROJECTOR_THREAD`: whether a process with the projector role folds the views in a
   * worker thread of its own (`on`, the default) or on the event loop that serves ingest
   * and queries (`off`). Only with `CX_PROJECTOR_SOURCE=store`.
   */
  projectorThread: boolean;
  roles: ReadonlySet<Role>;
  /** Raw `key=role+role,…`; undefined: the embedded default makes and stores keys. */
  apiKeys?: string;
  /** Ed25519 private key (PKCS#8 PEM) that signs Merkle checkpoints (SPEC §4.2); made on first start when missing. */
  signingKeyFile: string;
  /** How often a checkpoint is signed while events arrive (SPEC §4.2: at least every minute). */
  checkpointIntervalMs: number;
  thresholds: Thresholds;
  alerts: AlertDeliverySettings;
  /** pino level: trace, debug, info, warn, error, fatal or silent. */
  logLevel: string;
  /** SPEC §4.3: the secret of the identity directory's keyed hashes, outside the store; made on first start if missing. */
  identitySecretFile: string;
  viewSnapshots: ViewSnapshotSettings;
}

/**
 * Copies of the embedded view store that projectors keep as they pass checkpoints, so that
 * `--known-at` folds only the events after one instead of the whole log (docs/read-models.md).
 */
export interface ViewSnapshotSettings {
  /** `CX_VIEW_SNAPSHOT_EVERY`: events between two snapshots; 0 keeps none. */
  every: number;
  /** `CX_VIEW_SNAPSHOTS_KEPT`: how many are kept, newest first. */
  kept: number;
}

/** SPEC §2: time thresholds of the views, in milliseconds. */
export interface Thresholds {
  atRiskInactivityMs: number;
  churnInactivityMs: number;
  complaintAtRiskAgeMs: number;
  handoffAcceptanceSlaMs: number;
}

/** SPEC §2.4 and §5: where alerts go and when they count as overdue. */
export interface AlertDeliverySettings {
  /** `CX_WEBHOOK_URLS`: every alert is POSTed to each. */
  webhookUrls: string[];
  /** `CX_WEBHOOK_SECRET`: HMAC-SHA256 key of `X-CX-Signature`; required with webhooks. */
  webhookSecret?: string;
  /** `CX_FOLLOW_UP_SLA_HOURS`: an alert open longer is `overdue`. */
  followUpSlaMs: number;
  /** `CX_ALERT_DELIVERY_HORIZON_DAYS`: an alert older than this when first raised is kept, not delivered. */
  deliveryHorizonMs: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export class SettingsError extends Error {}

type Env = Record<string, string | undefined>;

export function loadSettings(env: Env): Settings {
  const problems: string[] = [];
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = (env[name] ?? fallback).trim() as T;
    if (!allowed.includes(value)) problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return value;
  };
  const positive = (name: string, fallback: number, unit: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback * unit;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number (got "${raw}")`);
    return value * unit;
  };
  const count = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0) problems.push(`${name} must be a whole number, 0 or more (got "${raw}")`);
    return value;
  };
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`PORT must be a port number (got "${env.PORT}")`);
  const roles = (env.CX_ROLES ?? ROLES.join(','))
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of roles)
    if (!ROLES.includes(role as Role)) problems.push(`CX_ROLES: unknown role "${role}" (roles: ${ROLES.join(', ')})`);
  const settings: Settings = {
    port,
    dataDir: env.CX_DATA_DIR || './data',
    eventStore: oneOf('CX_EVENT_STORE', ['sqlite', 'postgres', 'eventstoredb'], 'sqlite'),
    viewStore: oneOf('CX_VIEW_STORE', ['sqlite', 'postgres'], 'sqlite'),
    postgresUrl: env.CX_POSTGRES_URL || undefined,
    eventStoreUrl: env.EVENTSTORE_URL || undefined,
    kafkaBrokers: (env.CX_KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    projectorSource: oneOf('CX_PROJECTOR_SOURCE', ['store', 'kafka'], 'store'),
    projectorThread: oneOf('CX_PROJECTOR_THREAD', ['on', 'off'], 'on') === 'on',
    roles: new Set(roles as Role[]),
    apiKeys: env.CX_API_KEYS || undefined,
    signingKeyFile: env.CX_SIGNING_KEY_FILE || join(env.CX_DATA_DIR || './data', 'checkpoint-signing-key.pem'),
    checkpointIntervalMs: positive('CX_CHECKPOINT_INTERVAL_SECONDS', 30, 1000),
    logLevel: 'info',
    identitySecretFile: env.CX_IDENTITY_SECRET_FILE || join(env.CX_DATA_DIR || './data', 'identity.secret'),
    viewSnapshots: { every: count('CX_VIEW_SNAPSHOT_EVERY', 50_000), kept: count('CX_VIEW_SNAPSHOTS_KEPT', 20) },
    thresholds: {
      atRiskInactivityMs: positive('CX_AT_RISK_INACTIVITY_DAYS', 90, DAY),
      churnInactivityMs: positive('CX_CHURN_INACTIVITY_DAYS', 180, DAY),
      complaintAtRiskAgeMs: positive('CX_COMPLAINT_AT_RISK_AGE_DAYS', 7, DAY),
      handoffAcceptanceSlaMs: positive('CX_HANDOFF_ACCEPTANCE_SLA_HOURS', 4, HOUR),
    },
    alerts: {
      webhookUrls: webhookUrls(env.CX_WEBHOOK_URLS, problems),
      webhookSecret: env.CX_WEBHOOK_SECRET || undefined,
      followUpSlaMs: positive('CX_FOLLOW_UP_SLA_HOURS', 48, HOUR),
      deliveryHorizonMs: positive('CX_ALERT_DELIVERY_HORIZON_DAYS', 7, DAY),
    },
  };
  if (settings.alerts.webhookUrls.length > 0 && !settings.alerts.webhookSecret)
    problems.push('CX_WEBHOOK_SECRET is required when CX_WEBHOOK_URLS is set (it signs every webhook)');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel))
    problems.push(`LOG_LEVEL must be a pino level (got "${logLevel}")`);
  settings.logLevel = logLevel;
  const usesPostgres = settings.eventStore === 'postgres' || settings.viewStore === 'postgres';
  if (usesPostgres && !settings.postgresUrl) problems.push('CX_POSTGRES_URL is required when CX_EVENT_STORE or CX_VIEW_STORE is postgres');
  if (settings.projectorSource === 'kafka' && settings.kafkaBrokers.length === 0)
    problems.push('CX_PROJECTOR_SOURCE=kafka needs CX_KAFKA_BROKERS');
  // SQLite has one writer: projectors sharing partitions would only take turns.
  if (settings.projectorSource === 'kafka' && settings.viewStore !== 'postgres')
    problems.push('CX_PROJECTOR_SOURCE=kafka needs CX_VIEW_STORE=postgres');
  if (settings.checkpointIntervalMs > 60_000)
    problems.push('CX_CHECKPOINT_INTERVAL_SECONDS must be at most 60 (SPEC §4.2: a checkpoint at least every minute)');
  if (settings.eventStore === 'eventstoredb' && !settings.eventStoreUrl)
    problems.push('EVENTSTORE_URL is required when CX_EVENT_STORE is eventstoredb');
  if (problems.length > 0) throw new SettingsError(`Invalid settings:\n- ${problems.join('\n- ')}`);
  return settings;
}

/** Comma-separated absolute http(s) URLs; each one that is not is named. */
function webhookUrls(raw: string | undefined, problems: string[]): string[] {
  const urls = (raw ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of urls) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      problems.push(`CX_WEBHOOK_URLS: "${url}" is not an http(s) URL`);
  }
  return [...new Set(urls)];
}
