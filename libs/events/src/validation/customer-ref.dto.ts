import 'reflect-metadata';
import { IsObject, IsOptional, IsString, Length, Matches, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface, Validate } from 'class-validator';

@ValidatorConstraint({ name: 'externalIds' })
class ExternalIdsRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length > 0 && entries.every(([system, id]) => isName(system) && isName(id));
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must map system names to ids, each a string of 1 to 128 characters`;
  }
}

const isName = (value: unknown): boolean => typeof value === 'string' && value.length >= 1 && value.length <= 128;

/** SPEC §1.2: `{ id?, email?, phone?, externalIds? }`, at least one of them. */
export class CustomerRefDto {
  @IsOptional() @IsString() @Length(1, 128)
  id?: string;

  @IsOptional() @IsString() @Length(3, 254) @Matches(/^\s*[^\s@]+@[^\s@]+\s*$/, { message: 'email must be an e-mail address' })
  email?: string;

  @IsOptional() @IsString() @Length(1, 64) @Matches(/^[+\d\s().-]*\d[\d\s().-]*$/, { message: 'phone must be digits, optionally with +, spaces, dots, dashes or brackets' })
  phone?: string;

  @IsOptional() @IsObject() @Validate(ExternalIdsRule)
  externalIds?: Record<string, string>;
}

export const CUSTOMER_IDENTIFIER_FIELDS = ['id', 'email', 'phone', 'externalIds'] as const;
