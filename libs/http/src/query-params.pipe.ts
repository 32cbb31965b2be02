import { ArgumentMetadata, Injectable, PipeTransform, Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { ApiError } from './api-error';

export interface ParameterProblem {
  parameter: string;
  message: string;
}

/**
 * Reads a route's query string into its parameter class (a DTO with class-validator rules
 * and @nestjs/swagger properties, so the OpenAPI document and the checks are one source).
 * SPEC §3: a parameter given twice, or of the wrong type, is a 400. Parameters the class
 * does not declare are ignored; so is everything but plain `@Query()` of a class.
 */
@Injectable()
export class QueryParamsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'query' || metadata.data !== undefined || !metadata.metatype) return value;
    const declared = declaredParameters(metadata.metatype);
    if (declared.length === 0) return value;
    const given = (value ?? {}) as Record<string, unknown>;
    const problems: ParameterProblem[] = [];
    const picked: Record<string, unknown> = {};
    for (const name of declared) {
      if (!Object.hasOwn(given, name)) continue;
      const raw = given[name];
      if (Array.isArray(raw)) problems.push({ parameter: name, message: `${name} is given ${raw.length} times; give it once` });
      else if (typeof raw === 'string' && raw.includes('\u0000'))
        problems.push({ parameter: name, message: `${name} holds a NUL character` });
      else if (raw !== '') picked[name] = raw;
    }
    if (problems.length > 0) throw invalidParameters(problems);
    const params = plainToInstance(metadata.metatype, picked) as object;
    const invalid = validateSync(params, { forbidUnknownValues: false, stopAtFirstError: true }).flatMap(problemsOf);
    if (invalid.length > 0) throw invalidParameters(invalid);
    return params;
  }
}

const invalidParameters = (problems: ParameterProblem[]): ApiError =>
  new ApiError(400, 'invalid_parameter', problems.map((p) => p.message).join('; '), problems);

/** The properties the class declares rules for: only these are read from the query string. */
function declaredParameters(metatype: Type<unknown>): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
  return [...new Set(rules.map((rule) => rule.propertyName))];
}

const problemsOf = (error: ValidationError): ParameterProblem[] =>
  Object.values(error.constraints ?? {}).map((message) => ({ parameter: error.property, message }));
