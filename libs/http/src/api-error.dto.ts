import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** SPEC §3: the body of every error answer. */
export class ApiErrorDto {
  @ApiProperty({
    description:
      'A code to branch on, in snake_case: `invalid_parameter`, `window_too_long`, `customer_not_found`, `not_caught_up`, `store_unavailable`, …',
    example: 'invalid_parameter',
    pattern: '^[a-z_]+$',
  })
  error!: string;

  @ApiProperty({ description: 'What went wrong, for a person', example: 'limit must not be greater than 1000' })
  message!: string;

  @ApiPropertyOptional({
    description: 'More about it: for a parameter, `[{parameter, message}]`',
    oneOf: [
      { type: 'array', items: { type: 'object', additionalProperties: true } },
      { type: 'object', additionalProperties: true },
    ],
  })
  details?: unknown;
}
