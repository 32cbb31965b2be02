import { formatNumber } from './format.js';

/** Small DOM helpers: elements from attributes and children, tables from rows. */

export type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** The page's element of this id, checked to be of the kind asked for. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: new () => T): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  if (kind && !(node instanceof kind)) throw new Error(`#${id} is a ${node.tagName}, not a ${kind.name}`);
  return node as T;
}

/** What the page must hold (an element, a data attribute it was served with): its absence is a fault of the page. */
export function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`the page has no ${what}`);
  return value;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: Array<Node | null> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

export const text = (value: string): Text => document.createTextNode(value);

/** A number cell: the page's text, and the API's exact value in `data-value` (null: absent). */
export function numberCell(value: number | null | undefined, testid?: string, shown: string = formatNumber(value)): HTMLTableCellElement {
  return el('td', {
    class: 'n',
    text: shown,
    'data-testid': testid,
    'data-value': value ?? undefined,
    title: value === null || value === undefined ? undefined : String(value),
  });
}

export function setRows(table: HTMLTableElement, head: string[], rows: HTMLTableRowElement[]): void {
  table.replaceChildren(
    el('thead', {}, [
      el(
        'tr',
        {},
        head.map((h, i) => el('th', { text: h, class: i === 0 ? undefined : 'n' })),
      ),
    ]),
    el('tbody', {}, rows),
  );
}

export function emptyRow(message: string): HTMLTableRowElement {
  return el('tr', {}, [el('td', { text: message, class: 'muted' })]);
}

/** A panel's own message, e.g. what the API cannot filter. */
export function note(sectionId: string, message: string | null): void {
  const node = byId(sectionId).querySelector<HTMLElement>('.note');
  if (!node) return;
  node.hidden = message === null;
  node.textContent = message ?? '';
}
