import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, registerDecorator, ValidationArguments } from 'class-validator';
import { parseRfc3339 } from '@cx/events';

/**
 * One decorator per kind of query parameter: each states the parameter's OpenAPI schema
 * and its validation together, so the document and the checks cannot drift apart.
 */

const EXAMPLE_TIME = '2026-03-01T00:00:00Z';

/** The instant of a parameter that the validation pipe has already checked with @InstantParam. */
export function checkedInstant(text: string): number {
  const ms = parseRfc3339(text);
  if (ms === null) throw new Error(`"${text}" passed validation but is not an RFC 3339 time`);
  return ms;
}

function IsInstant(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseRfc3339(value) !== null,
        defaultMessage: ({ property }: ValidationArguments) => `${property} must be an RFC 3339 time with an offset, e.g. ${EXAMPLE_TIME}`,
      },
    });
}

const presence = (required: boolean, description: string, schema: Record<string, unknown>) =>
  required
    ? [
        ApiProperty({ description, required: true, ...schema }),
        IsDefined({ message: ({ property }: ValidationArguments) => `${property} is required` }),
      ]
    : [ApiPropertyOptional({ description, ...schema }), IsOptional()];

/** An RFC 3339 time with an offset (`date-time`). */
export const InstantParam = (description: string, options: { required?: boolean } = {}) =>
  applyDecorators(
    ...presence(options.required ?? false, description, { type: String, format: 'date-time', example: EXAMPLE_TIME }),
    IsInstant(),
  );

/** A whole number in [min, max]. */
export const IntegerParam = (description: string, range: { min: number; max?: number; default?: number }) =>
  applyDecorators(
    ...presence(false, description, { type: 'integer', minimum: range.min, maximum: range.max, default: range.default }),
    Type(() => Number),
    IsInt({ message: ({ property }: ValidationArguments) => `${property} must be a whole number` }),
    Min(range.min),
    ...(range.max === undefined ? [] : [Max(range.max)]),
  );

/** One of a fixed list of values. */
export const EnumParam = (description: string, values: readonly string[], options: { name?: string; default?: string } = {}) =>
  applyDecorators(
    ...presence(false, description, { enum: values, enumName: options.name, default: options.default }),
    IsIn(values, { message: ({ property }: ValidationArguments) => `${property} must be one of ${values.join(', ')}` }),
  );

/** Free text of 1 to `max` characters (ids, names, opaque cursors). */
export const TextParam = (description: string, max = 128) =>
  applyDecorators(...presence(false, description, { type: String, minLength: 1, maxLength: max }), IsString(), Length(1, max));
