import { parseRfc3339 } from './event-time';

/** The rule as first written: the time's fields come back unchanged from Date.UTC (no rolling over). */
function roundTrips(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  const asUtc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    asUtc.getUTCFullYear() === year &&
    asUtc.getUTCMonth() === month - 1 &&
    asUtc.getUTCDate() === day &&
    asUtc.getUTCHours() === hour &&
    asUtc.getUTCMinutes() === minute &&
    asUtc.getUTCSeconds() === second
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseRfc3339', () => {
  it('answers a time exactly when its fields name a real instant, as a Date.UTC round trip does', () => {
    for (const year of [50, 99, 100, 1999, 2000, 2024, 2026, 2100, 2400, 9999])
      for (const month of [0, 1, 2, 4, 12, 13])
        for (const day of [0, 1, 28, 29, 30, 31, 32])
          for (const [hour, minute, second] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [12, 60, 0],
            [12, 0, 60],
          ]) {
            const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.5+02:00`;
            const parsed = parseRfc3339(text);
            const expected =
              Number.isNaN(Date.parse(text)) || !roundTrips(year, month, day, hour, minute, second) ? null : Date.parse(text);
            expect([text, parsed]).toEqual([text, expected]);
          }
  });

  it('refuses what is not RFC 3339 with an offset', () => {
    for (const text of ['2026-03-01T09:30:00', '2026-03-01 09:30:00Z', '2026-3-1T09:30:00Z', 'yesterday', ''])
      expect(parseRfc3339(text)).toBeNull();
    expect(parseRfc3339('2026-03-01t09:30:00.123456789z')).toBe(Date.parse('2026-03-01T09:30:00.123Z'));
  });
});
