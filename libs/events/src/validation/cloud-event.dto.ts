import 'reflect-metadata';
import { Equals, IsIn, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** The CloudEvents 1.0 envelope in structured JSON mode (SPEC §1.1); `data` is checked per type. */
export class CloudEventDto {
  @Equals('1.0', { message: 'specversion must be "1.0"' })
  specversion!: string;

  @IsString() @Length(1, 128)
  id!: string;

  @IsString() @Length(1, 256) @Matches(/^[^\s\u0000-\u001f]+$/, { message: 'source must be a URI-reference without white space' })
  source!: string;

  @IsString() @Length(1, 256)
  type!: string;

  @IsString() @Matches(RFC3339, { message: 'time must be RFC 3339 with an offset, e.g. 2026-03-01T09:30:00Z' })
  time!: string;

  @IsObject({ message: 'data must be a JSON object' })
  data!: Record<string, unknown>;

  @IsOptional() @IsString() @Length(1, 256)
  subject?: string;

  @IsOptional() @IsIn(['application/json'], { message: 'datacontenttype must be application/json' })
  datacontenttype?: string;

  @IsOptional() @IsString() @Length(1, 2048)
  dataschema?: string;
}
