import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { RULE } from '../event-data';
import type { FieldProblem } from './event-error';

/**
 * The problems of a value its compiled schema refused, one per path (the first rule it
 * breaks there), each a sentence that names the field and its rule. Only called on the
 * slow path: a valid event never gets here.
 */
export function schemaProblems(check: TypeCheck<TSchema>, value: unknown, prefix: string): FieldProblem[] {
  const byPath = new Map<string, FieldProblem>();
  for (const error of check.Errors(value)) {
    const path = [prefix, ...error.path.split('/').slice(1)].filter(Boolean).join('.');
    if (byPath.has(path)) continue;
    const field = path.slice(path.lastIndexOf('.') + 1) || 'the event';
    const message = error.type === ValueErrorType.ObjectRequiredProperty ? `${field} is required` : `${field} ${ruleOf(error.schema)}`;
    byPath.set(path, { path, message });
  }
  return [...byPath.values()];
}

function ruleOf(schema: TSchema): string {
  if (typeof schema[RULE] === 'string') return schema[RULE];
  if (schema.anyOf) return `must be one of ${(schema.anyOf as TSchema[]).map((s) => String(s.const)).join(', ')}`;
  switch (schema.type) {
    case 'string':
      return `must be a string${lengthOf(schema)}`;
    case 'integer':
      return `must be an integer${rangeOf(schema)}`;
    case 'number':
      return `must be a number${rangeOf(schema)}`;
    case 'object':
      return schema.minProperties ? 'must be a JSON object with at least one entry' : 'must be a JSON object';
    default:
      return 'is not valid here';
  }
}

function lengthOf({ minLength, maxLength }: TSchema): string {
  if (minLength !== undefined && maxLength !== undefined) return ` of ${minLength} to ${maxLength} characters`;
  if (maxLength !== undefined) return ` of at most ${maxLength} characters`;
  return '';
}

const rangeOf = ({ minimum, maximum }: TSchema): string =>
  minimum !== undefined && maximum !== undefined ? ` from ${minimum} to ${maximum}` : '';
