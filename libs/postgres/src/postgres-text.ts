/**
 * PostgreSQL `text` cannot hold U+0000, but an event id or a customer id may contain it
 * (SPEC §1.1 only bounds their length). Key columns go through this reversible escape:
 * U+0001 is the escape character, so U+0001 becomes U+0001 U+0001 and U+0000 becomes
 * U+0001 "0". Every other string, which is every id a real channel sends, is stored as is.
 * `json` columns need nothing: JSON text escapes U+0000 as `\u0000`.
 */
const ESCAPE = '\u0001';

export function toPgText(value: string): string {
  if (!/[\u0000\u0001]/.test(value)) return value;
  return value.replace(/[\u0000\u0001]/g, (c) => (c === ESCAPE ? ESCAPE + ESCAPE : `${ESCAPE}0`));
}

export function fromPgText(value: string): string {
  if (!value.includes(ESCAPE)) return value;
  return value.replace(/\u0001([\u00010])/g, (_, c: string) => (c === ESCAPE ? ESCAPE : '\u0000'));
}
