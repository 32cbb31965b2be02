import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Property decorators for the answer DTOs (OpenAPI schemas of what routes return), one per
 * kind of value, so that every answer class reads as the list of its fields.
 */
type Options = { description?: string; optional?: boolean };
const property = (schema: Record<string, unknown>, { description, optional }: Options = {}) =>
  (optional ? ApiPropertyOptional : ApiProperty)({ ...schema, ...(description ? { description } : {}) });

export const Text = (options?: Options) => property({ type: String }, options);
export const NullableText = (options?: Options) => property({ type: String, nullable: true }, options);
export const Int = (options?: Options) => property({ type: 'integer' }, options);
export const NullableInt = (options?: Options) => property({ type: 'integer', nullable: true }, options);
export const NullableNumber = (options?: Options) => property({ type: Number, nullable: true }, options);
export const Num = (options?: Options) => property({ type: Number }, options);
export const Bool = (options?: Options) => property({ type: Boolean }, options);
export const Time = (options?: Options) => property({ type: String, format: 'date-time' }, options);
export const NullableTime = (options?: Options) => property({ type: String, format: 'date-time', nullable: true }, options);
/** One of fixed strings, inline (a named enum would be a one-item allOf beside the description). */
export const OneOf = (values: readonly string[], _name?: string, options?: Options & { nullable?: boolean }) =>
  property(
    { type: 'string', enum: options?.nullable ? [...values, null] : values, ...(options?.nullable ? { nullable: true } : {}) },
    options,
  );
export const ListOf = (type: Type<unknown>, options?: Options) => property({ type: [type] }, options);
/** Another answer class (a nullable one gets `type: object` beside its $ref when the document is set up: setupOpenApi). */
export const Nested = (type: Type<unknown>, options?: Options & { nullable?: boolean }) =>
  property({ type, ...(options?.nullable ? { nullable: true } : {}) }, options);
/** An object whose keys are names (channels, currencies, teams) and whose values are all of one schema. */
export const MapOf = (values: Record<string, unknown>, options?: Options) =>
  property({ type: 'object', additionalProperties: values }, options);
export const AnyObject = (options?: Options) => property({ type: 'object', additionalProperties: true }, options);
