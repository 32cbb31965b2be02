import { loadSettings } from './settings';

describe('loadSettings (SPEC §5)', () => {
  it('has the documented defaults', () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({ port: 3000, dataDir: './data', eventStore: 'sqlite', viewStore: 'sqlite', kafkaBrokers: [] });
    expect([...settings.roles]).toEqual(['ingest', 'projector', 'query']);
    expect(settings.thresholds).toEqual({
      atRiskInactivityMs: 90 * 86_400_000,
      churnInactivityMs: 180 * 86_400_000,
      complaintAtRiskAgeMs: 7 * 86_400_000,
      handoffAcceptanceSlaMs: 4 * 3_600_000,
    });
  });

  it('reads every variable', () => {
    const settings = loadSettings({
      PORT: '8080',
      CX_DATA_DIR: '/var/cx',
      CX_EVENT_STORE: 'postgres',
      CX_VIEW_STORE: 'postgres',
      CX_POSTGRES_URL: 'postgres://x',
      CX_KAFKA_BROKERS: 'a:9092, b:9092',
      CX_ROLES: 'ingest,query',
      CX_API_KEYS: 'k=ingest',
      CX_HANDOFF_ACCEPTANCE_SLA_HOURS: '2',
    });
    expect(settings).toMatchObject({
      port: 8080,
      dataDir: '/var/cx',
      eventStore: 'postgres',
      kafkaBrokers: ['a:9092', 'b:9092'],
      apiKeys: 'k=ingest',
    });
    expect([...settings.roles]).toEqual(['ingest', 'query']);
    expect(settings.thresholds.handoffAcceptanceSlaMs).toBe(2 * 3_600_000);
  });

  it('names every invalid setting at once', () => {
    expect(() => loadSettings({ PORT: 'x', CX_EVENT_STORE: 'mysql', CX_ROLES: 'ingest,admin', CX_VIEW_STORE: 'postgres' })).toThrow(
      /PORT[\s\S]*CX_ROLES: unknown role "admin"[\s\S]*CX_EVENT_STORE[\s\S]*CX_POSTGRES_URL is required/,
    );
  });

  it('feeds projectors from cx.events only with brokers and PostgreSQL views', () => {
    expect(loadSettings({}).projectorSource).toBe('store');
    expect(
      loadSettings({ CX_PROJECTOR_SOURCE: 'kafka', CX_KAFKA_BROKERS: 'k:9092', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: 'postgres://x' })
        .projectorSource,
    ).toBe('kafka');
    expect(() => loadSettings({ CX_PROJECTOR_SOURCE: 'kafka' })).toThrow(/needs CX_KAFKA_BROKERS[\s\S]*needs CX_VIEW_STORE=postgres/);
    expect(() => loadSettings({ CX_PROJECTOR_SOURCE: 'partitions' })).toThrow(/CX_PROJECTOR_SOURCE must be one of store, kafka/);
  });

  it('reads the alert settings (SPEC §5) and needs a secret with webhooks', () => {
    expect(loadSettings({}).alerts).toEqual({
      webhookUrls: [],
      webhookSecret: undefined,
      followUpSlaMs: 48 * 3_600_000,
      deliveryHorizonMs: 7 * 86_400_000,
    });
    const alerts = loadSettings({
      CX_WEBHOOK_URLS: 'http://a.example/hook, https://b.example/x',
      CX_WEBHOOK_SECRET: 's3',
      CX_FOLLOW_UP_SLA_HOURS: '24',
      CX_ALERT_DELIVERY_HORIZON_DAYS: '2',
    }).alerts;
    expect(alerts).toEqual({
      webhookUrls: ['http://a.example/hook', 'https://b.example/x'],
      webhookSecret: 's3',
      followUpSlaMs: 24 * 3_600_000,
      deliveryHorizonMs: 2 * 86_400_000,
    });
    expect(() => loadSettings({ CX_WEBHOOK_URLS: 'http://a.example/hook' })).toThrow(
      /CX_WEBHOOK_SECRET is required when CX_WEBHOOK_URLS is set/,
    );
    expect(() =>
      loadSettings({
        CX_WEBHOOK_URLS: 'ftp://a.example, not a url',
        CX_WEBHOOK_SECRET: 's',
        CX_FOLLOW_UP_SLA_HOURS: '0',
        CX_ALERT_DELIVERY_HORIZON_DAYS: 'x',
      }),
    ).toThrow(
      /"ftp:\/\/a.example" is not an http\(s\) URL[\s\S]*"not a url" is not[\s\S]*CX_FOLLOW_UP_SLA_HOURS must be a positive number[\s\S]*CX_ALERT_DELIVERY_HORIZON_DAYS must be a positive number/,
    );
  });
});
