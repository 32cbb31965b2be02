import type { Api } from './api.js';
import type { CsvTable } from './csv.js';
import type { Stage } from './types.js';
import type { View, ViewChange } from './view.js';

/** The customers of the chosen segment, as the customer list (`GET /v1/customers?segment`) gives them. */
export interface SegmentMembers {
  ids: Set<string>;
  stages: Record<Stage, number>;
  /** False when the list was longer than the page asks for (see MAX_MEMBER_PAGES). */
  complete: boolean;
}

/** What a panel gets: the API for this load, the view, and the page's shared services. */
export interface PanelContext {
  api: Api;
  view: View;
  /** Null for all segments; one list per load, shared by the panels that filter by customer. */
  members(): Promise<SegmentMembers | null>;
  /** The panel's numbers as its CSV button downloads them. */
  setCsv(panel: string, table: CsvTable): void;
  /** Changes the URL and shows only what the change is about (a customer, a stage's list). */
  open(change: ViewChange): void;
}
