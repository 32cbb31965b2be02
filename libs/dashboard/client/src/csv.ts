/** A panel's numbers as a table, and that table as CSV (RFC 4180). Pure. */

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvTable {
  columns: string[];
  rows: CsvValue[][];
}

/**
 * One field: quoted when it holds a comma, quote or line break; text that a spreadsheet
 * would run as a formula (= + - @ first) is prefixed with a quote. Numbers stay numbers.
 */
function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(table: CsvTable): string {
  return [table.columns, ...table.rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
