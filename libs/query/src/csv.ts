/** RFC 4180 CSV: a header row, then one row per record; fields quoted when they must be. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  const line = (values: unknown[]) => values.map(csvField).join(',');
  return [line([...columns]), ...rows.map((row) => line(columns.map((c) => row[c])))].join('\r\n') + '\r\n';
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean | bigint).toString();
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Whether the client asked for CSV (SPEC §3: `Accept: text/csv` on reports). */
export const wantsCsv = (accept: string | undefined): boolean => (accept ?? '').toLowerCase().includes('text/csv');
