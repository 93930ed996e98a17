import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class WindowQuery {
  @IsString() @MinLength(1) @MaxLength(64)
  phoneNumberId!: string;

  /** wa_id, BSUID or contact id. */
  @IsString() @MinLength(1) @MaxLength(300)
  customer!: string;
}

export class ConversationMessagesQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(500)
  cursor?: string;
}

export class ContactConversationsQuery {
  @IsOptional() @IsString() @MaxLength(64)
  phoneNumberId?: string;
}

export class AddressBookQuery {
  /** The business number whose app synced the entries. */
  @IsOptional() @IsString() @MaxLength(64)
  phoneNumberId?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(500)
  cursor?: string;
}
