import { ErrorPersistence } from './error-persistence';

describe('ErrorPersistence', () => {
  let now = 0;
  const persistence = () => new ErrorPersistence(30_000, () => now);
  beforeEach(() => (now = 1_000_000));

  it('counts an error as persisting only once the same kind has gone on for 30 s without a 30 s pause', () => {
    const errors = persistence();
    expect(errors.persisted('Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe(false);
    for (let t = 1; t <= 29; t += 1) {
      now += 1_000;
      expect(errors.persisted('Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe(false);
    }
    now += 1_000;
    expect(errors.persisted('Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe(true);
  });

  it('starts again after a pause longer than the window, and tells kinds apart (numbers aside)', () => {
    const errors = persistence();
    errors.persisted('Response GroupCoordinator(key: 10, version: 2): The group coordinator is not available');
    now += 20_000;
    expect(errors.persisted('Response GroupCoordinator(key: 10, version: 3): The group coordinator is not available')).toBe(false);
    now += 15_000;
    expect(errors.persisted('Response GroupCoordinator(key: 10, version: 2): The group coordinator is not available')).toBe(true);
    expect(errors.persisted('Response InitProducerId(key: 22, version: 1): The coordinator is loading')).toBe(false);
    now += 31_000;
    expect(errors.persisted('Response GroupCoordinator(key: 10, version: 2): The group coordinator is not available')).toBe(false);
  });
});
