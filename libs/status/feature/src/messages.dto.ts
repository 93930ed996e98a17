import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const STATUSES = ['accepted', 'sent', 'delivered', 'read', 'played', 'failed'] as const;

export class ListMessagesQuery {
  @IsOptional() @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @IsOptional() @Type(() => Number) @IsInt()
  errorCode?: number;

  @IsOptional() @IsString() @MaxLength(300)
  recipient?: string;

  @IsOptional() @IsISO8601()
  from?: string;

  @IsOptional() @IsISO8601()
  to?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(500)
  cursor?: string;
}

export class CountsQuery {
  @IsISO8601()
  from!: string;

  @IsISO8601()
  to!: string;
}
