import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumberString, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength } from 'class-validator';

export class ListTemplatesQuery {
  @IsOptional() @IsString() @MaxLength(40)
  status?: string;

  @IsOptional() @IsString() @MaxLength(64)
  wabaId?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;
}

export class TemplateQuery {
  @IsOptional() @IsString() @MaxLength(64)
  wabaId?: string;
}

export class CanSendQuery extends TemplateQuery {
  /** Ask about another instant than now (e.g. when a pause ends). */
  @IsOptional() @IsISO8601()
  at?: string;
}

export class WabaQuery {
  @IsOptional() @IsString() @MaxLength(64)
  wabaId?: string;
}

export class ListAlertsQuery {
  @IsOptional() @IsString() @MaxLength(60)
  kind?: string;

  @IsOptional() @IsNumberString() @MaxLength(20)
  before?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

export class ListDeliveriesQuery {
  @IsOptional() @IsIn(['pending', 'delivered', 'failed'])
  status?: 'pending' | 'delivered' | 'failed';

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

export class PutAlertEndpointBody {
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url!: string;

  /** Optional: omitted on a new endpoint, one is generated and returned once. */
  @IsOptional() @IsString() @MinLength(16) @MaxLength(200)
  signingSecret?: string;
}
