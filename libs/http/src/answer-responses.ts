import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ApiErrorDto } from './api-error.dto';

/** A report's 200: JSON of `type`, or with `Accept: text/csv` the same numbers as CSV (SPEC §3). */
export const JsonOrCsvAnswer = (type: Type<unknown>, csv: string) =>
  applyDecorators(
    ApiExtraModels(type),
    ApiProduces('application/json', 'text/csv'),
    ApiOkResponse({
      description: `JSON; with \`Accept: text/csv\`, CSV: ${csv}`,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
  );

/** Error answers a route gives besides the ones every route may give (400, 401, 403, 503: added to the document for all). */
export const ErrorAnswer = (status: number, description: string) => ApiResponse({ status, description, type: ApiErrorDto });
