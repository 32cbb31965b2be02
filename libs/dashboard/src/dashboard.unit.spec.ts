import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCsv } from '../client/src/csv';
import { change, formatHours, formatMinutes } from '../client/src/format';
import { monthsOf, periodOf, previousPeriod } from '../client/src/period';

const CLIENT = join(__dirname, '..', 'client');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const at = (text: string) => Date.parse(text);

describe('dashboard client: readable durations', () => {
  it.each([
    [0, '0 min'],
    [0.25, '15 min'],
    [1, '1 h'],
    [1.5, '1 h 30 min'],
    [47.5, '47 h 30 min'],
    [48, '2 d'],
    [51.25, '2 d 3 h'],
    [1234.5, '51 d 11 h'],
    [-3, '−3 h'],
    [null, '–'],
  ])('%p hours read as %p', (hours, text) => {
    expect(formatHours(hours)).toBe(text);
  });

  it('reads minutes the same way', () => {
    expect(formatMinutes(90)).toBe('1 h 30 min');
    expect(formatMinutes(4320)).toBe('3 d');
  });

  it('compares with the previous period to 1 decimal, and not at all without both', () => {
    expect(change(12.3, 10.1)).toBe(2.2);
    expect(change(-5, 5)).toBe(-10);
    expect(change(null, 3)).toBeNull();
    expect(change(3, undefined)).toBeNull();
  });
});

describe('dashboard client: windows', () => {
  const now = at('2026-11-30T05:31:12.750Z');

  it('ends a preset window now, to the second, not tomorrow', () => {
    expect(periodOf('7d', now)).toEqual({ from: at('2026-11-23T05:31:12Z'), to: at('2026-11-30T05:31:12Z') });
    expect(periodOf('90d', now).from).toBe(at('2026-09-01T05:31:12Z'));
  });

  it('starts this quarter and this year at their first day', () => {
    expect(periodOf('quarter', now).from).toBe(at('2026-10-01T00:00:00Z'));
    expect(periodOf('quarter', at('2026-03-31T23:00:00Z')).from).toBe(at('2026-01-01T00:00:00Z'));
    expect(periodOf('year', now).from).toBe(at('2026-01-01T00:00:00Z'));
  });

  it('goes back 12 calendar months, the 29th of February to the 28th', () => {
    expect(periodOf('12m', now).from).toBe(at('2025-11-30T05:31:12Z'));
    expect(periodOf('12m', at('2024-02-29T10:00:00Z')).from).toBe(at('2023-02-28T10:00:00Z'));
  });

  it('takes custom whole days, and the default window for days that make none', () => {
    expect(periodOf('custom', now, { from: '2026-01-01', to: '2026-04-01' })).toEqual({
      from: at('2026-01-01T00:00:00Z'),
      to: at('2026-04-01T00:00:00Z'),
    });
    expect(periodOf('custom', now, { from: '2026-04-01', to: '2026-01-01' })).toEqual(periodOf('12m', now));
    expect(periodOf('custom', now, { from: '2026-02-30', to: null })).toEqual(periodOf('12m', now));
  });

  it('compares with the period of the same length just before', () => {
    expect(previousPeriod({ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-31T00:00:00Z') })).toEqual({
      from: at('2026-01-30T00:00:00Z'),
      to: at('2026-03-01T00:00:00Z'),
    });
  });

  it('cuts the first and last month to the window', () => {
    expect(monthsOf({ from: at('2026-01-15T12:00:00Z'), to: at('2026-03-02T00:00:00Z') })).toEqual([
      { label: '2026-01', from: at('2026-01-15T12:00:00Z'), to: at('2026-02-01T00:00:00Z') },
      { label: '2026-02', from: at('2026-02-01T00:00:00Z'), to: at('2026-03-01T00:00:00Z') },
      { label: '2026-03', from: at('2026-03-01T00:00:00Z'), to: at('2026-03-02T00:00:00Z') },
    ]);
  });
});

describe('dashboard client: CSV', () => {
  it('quotes what needs quoting, keeps numbers, leaves nulls empty and defuses formulas', () => {
    const csv = toCsv({
      columns: ['id', 'n', 'note'],
      rows: [
        ['C-1', -12.5, null],
        ['a,b', 3, 'say "hi"'],
        ['=HYPERLINK(1)', 0, 'line\nbreak'],
      ],
    });
    expect(csv).toBe('id,n,note\r\nC-1,-12.5,\r\n"a,b",3,"say ""hi"""\r\n\'=HYPERLINK(1),0,"line\nbreak"\r\n');
  });
});

describe('dashboard page', () => {
  const html = readFileSync(join(CLIENT, 'static', 'index.html'), 'utf8');
  const code = sources(join(CLIENT, 'src'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');

  it('loads only its own files: the styles, Chart.js and the built module from this server', () => {
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(loaded).toEqual(['data:,', '/dashboard/app.css', '/dashboard/vendor/chart.umd.min.js', '/dashboard/main.js']);
    expect(sources(join(CLIENT, 'src')).map((f) => f.slice(CLIENT.length))).toContain('/src/main.ts');
  });

  it('has every element the code looks up by id', () => {
    const wanted = new Set([...code.matchAll(/byId(?:<[^>]+>)?\('([^']+)'\)/g)].map((m) => m[1]));
    const present = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    expect(wanted.size).toBeGreaterThan(20);
    expect([...wanted].filter((id) => !present.has(id))).toEqual([]);
  });

  it('has a CSV button in every panel', () => {
    const panels = [...html.matchAll(/<section class="card[^"]*" id="([^"]+)"/g)].map((m) => m[1]);
    const buttons = [...html.matchAll(/data-testid="csv-([^"]+)"/g)].map((m) => m[1]);
    expect(buttons).toEqual(panels);
  });

  it('keeps the API key in sessionStorage and sends it only as a bearer token', () => {
    expect(code).not.toContain('localStorage');
    expect(code.match(/authorization:/g)).toHaveLength(1);
    expect(code).toContain('authorization: `Bearer ${this.key}`');
  });
});
