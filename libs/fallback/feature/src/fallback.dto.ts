import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { FALLBACK_ACTIONS } from '@wahooks/fallback-domain';

export const SMS_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

export class ListFallbacksQuery {
  @IsOptional() @IsIn(FALLBACK_ACTIONS)
  action?: string;

  @IsOptional() @Type(() => Number) @IsInt()
  errorCode?: number;

  @IsOptional() @IsIn(SMS_STATUSES)
  smsStatus?: string;

  @IsOptional() @IsISO8601()
  from?: string;

  @IsOptional() @IsISO8601()
  to?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(500)
  cursor?: string;
}

export class FallbackCountsQuery {
  @IsISO8601()
  from!: string;

  @IsISO8601()
  to!: string;
}

export class ListSuppressionsQuery {
  /** `false` also lists users who resumed. */
  @IsOptional() @Transform(({ value }) => value === true || value === 'true') @IsBoolean()
  suppressedOnly?: boolean;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @IsOptional() @IsISO8601()
  before?: string;
}
