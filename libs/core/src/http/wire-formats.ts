import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsObject, Matches, ValidateNested } from 'class-validator';

// The shapes every domain's requests share on the wire; the domain rules (scale, range) name the field when they fail.

/** A 1C id as master data holds it (CommerceML ids need not be GUIDs). */
export const ONEC_ID = /^\P{Cc}{1,200}$/u;
/** A decimal string; its scale and range are the domain's rules, which name the field when they fail. */
export const DECIMAL = /^-?\d{1,20}(\.\d{1,10})?$/;
export const DECIMAL_MESSAGE = '$property must be a decimal string such as "12.50" (never a JSON number)';
/** PostgreSQL's text cannot hold a NUL; refused here with the field named, not by the database. */
// eslint-disable-next-line no-control-regex -- matching the NUL is the point
export const NO_NUL = /^[^\u0000]*$/;
export const NO_NUL_MESSAGE = '$property must not contain a NUL character';

/** Where something happened, as decimal strings (never a JS number). */
export class GeoPointDto {
  @ApiProperty({ example: '55.751244' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  latitude!: string;

  @ApiProperty({ example: '37.618423' })
  @Matches(DECIMAL, { message: DECIMAL_MESSAGE })
  longitude!: string;
}

/**
 * A nested object (or, with `each`, a list of them) validated as `type`. `@ValidateNested` alone lets an absent
 * value through and validates an array where one object is expected element by element, so a required `document`
 * could be missing or `[]` and the handler would read a property of nothing: a 500 where a 400 belongs.
 */
export function Nested(type: () => new () => object, options: { each?: boolean } = {}): PropertyDecorator {
  const each = options.each === true;
  return applyDecorators(
    ...(each ? [IsArray()] : []),
    IsObject({ each, message: each ? 'each value in $property must be an object' : '$property must be an object' }),
    ValidateNested({ each }),
    Type(type),
  );
}
