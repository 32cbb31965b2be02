import { loadSettings } from './settings';

describe('loadSettings (SPEC §5)', () => {
  it('has the documented defaults', () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({ port: 3000, dataDir: './data', eventStore: 'sqlite', viewStore: 'sqlite', kafkaBrokers: [] });
    expect([...settings.roles]).toEqual(['ingest', 'projector', 'query']);
    expect(settings.thresholds).toEqual({
      atRiskInactivityMs: 90 * 86_400_000, churnInactivityMs: 180 * 86_400_000,
      complaintAtRiskAgeMs: 7 * 86_400_000, handoffAcceptanceSlaMs: 4 * 3_600_000,
    });
  });

  it('reads every variable', () => {
    const settings = loadSettings({
      PORT: '8080', CX_DATA_DIR: '/var/cx', CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: 'postgres://x',
      CX_KAFKA_BROKERS: 'a:9092, b:9092', CX_ROLES: 'ingest,query', CX_API_KEYS: 'k=ingest', CX_HANDOFF_ACCEPTANCE_SLA_HOURS: '2',
    });
    expect(settings).toMatchObject({ port: 8080, dataDir: '/var/cx', eventStore: 'postgres', kafkaBrokers: ['a:9092', 'b:9092'], apiKeys: 'k=ingest' });
    expect([...settings.roles]).toEqual(['ingest', 'query']);
    expect(settings.thresholds.handoffAcceptanceSlaMs).toBe(2 * 3_600_000);
  });

  it('names every invalid setting at once', () => {
    expect(() => loadSettings({ PORT: 'x', CX_EVENT_STORE: 'mysql', CX_ROLES: 'ingest,admin', CX_VIEW_STORE: 'postgres' }))
      .toThrow(/PORT[\s\S]*CX_ROLES: unknown role "admin"[\s\S]*CX_EVENT_STORE[\s\S]*CX_POSTGRES_URL is required/);
  });

  it('feeds projectors from cx.events only with brokers and PostgreSQL views', () => {
    expect(loadSettings({}).projectorSource).toBe('store');
    expect(loadSettings({ CX_PROJECTOR_SOURCE: 'kafka', CX_KAFKA_BROKERS: 'k:9092', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: 'postgres://x' }).projectorSource).toBe('kafka');
    expect(() => loadSettings({ CX_PROJECTOR_SOURCE: 'kafka' })).toThrow(/needs CX_KAFKA_BROKERS[\s\S]*needs CX_VIEW_STORE=postgres/);
    expect(() => loadSettings({ CX_PROJECTOR_SOURCE: 'partitions' })).toThrow(/CX_PROJECTOR_SOURCE must be one of store, kafka/);
  });
});
