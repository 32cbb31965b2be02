import { Type } from '@sinclair/typebox';
import { RULE } from '../event-data';
import { RFC_3339_PATTERN } from './event-time';

/**
 * The CloudEvents 1.0 envelope in structured JSON mode (SPEC §1.1); `data` is checked per
 * type, `datacontenttype` beside the schema (a media type is case-insensitive and may carry
 * parameters). Unknown attributes are kept.
 */
export const EnvelopeSchema = Type.Object({
  specversion: Type.Literal('1.0', { [RULE]: 'must be "1.0"' }),
  id: Type.String({ minLength: 1, maxLength: 128 }),
  source: Type.String({
    minLength: 1,
    maxLength: 256,
    pattern: '^[^\\s\\u0000-\\u001f]+$',
    [RULE]: 'must be a URI-reference of 1 to 256 characters without white space',
  }),
  type: Type.String({ minLength: 1, maxLength: 256 }),
  time: Type.String({ pattern: RFC_3339_PATTERN, [RULE]: 'must be RFC 3339 with an offset, e.g. 2026-03-01T09:30:00Z' }),
  data: Type.Object({}, { [RULE]: 'must be a JSON object' }),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  datacontenttype: Type.Optional(Type.String()),
  dataschema: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
});
