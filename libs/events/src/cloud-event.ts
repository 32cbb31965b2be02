/** SPEC §1.1: a CloudEvents 1.0 event in structured JSON mode, as a channel system sends it. */
export interface CloudEvent<D = Record<string, unknown>> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  data: D;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  /** Unknown attributes are kept as sent. */
  [extension: string]: unknown;
}
