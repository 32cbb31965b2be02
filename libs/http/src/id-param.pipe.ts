import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';

/** SPEC §1.3: ids are strings of 1 to 128 characters. */
const MAX_ID_LENGTH = 128;

/**
 * A path id (customer, case, projection) that could exist: 1 to 128 characters, no NUL
 * (which no store keeps). Anything else is a 400 before any store is asked.
 */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (value.length === 0 || value.length > MAX_ID_LENGTH || value.includes('\u0000')) {
      const message = `an id is 1 to ${MAX_ID_LENGTH} characters without NUL`;
      throw new ApiError(400, 'invalid_parameter', message, [{ parameter: 'id', message }]);
    }
    return value;
  }
}
