import { el } from '../dom.js';
import { formatNumber } from '../format.js';

/** A heat-map cell: light to dark blue with its share of the largest value. */
export function heatCell(
  value: number | null | undefined,
  strength: number,
  max: number,
  testid: string,
  title?: string,
): HTMLTableCellElement {
  const td = el('td', {
    text: value === null || value === undefined ? '' : formatNumber(value),
    'data-testid': testid,
    'data-value': value ?? undefined,
    title,
  });
  if (value === null || value === undefined || max <= 0) return td;
  const share = Math.min(1, strength / max);
  td.style.background = `hsl(217, 80%, ${Math.round(96 - share * 52)}%)`;
  if (share > 0.6) td.style.color = '#fff';
  return td;
}
