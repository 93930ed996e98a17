import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const META_ID = /^[0-9]{1,32}$/;

export class CreateTenantDto {
  @Matches(TENANT_ID, { message: 'id: 2-63 chars of a-z, 0-9 and -, starting with a letter or digit' })
  id!: string;

  @IsOptional() @IsString() @MaxLength(200)
  name?: string;

  @IsString() @MinLength(8) @MaxLength(200)
  verifyToken!: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2) @IsString({ each: true }) @MinLength(16, { each: true })
  appSecrets!: string[];

  @IsOptional() @IsArray() @Matches(META_ID, { each: true })
  wabaIds?: string[];

  @IsOptional() @IsArray() @Matches(META_ID, { each: true })
  phoneNumberIds?: string[];
}

export class UpdateTenantDto {
  @IsOptional() @IsString() @MaxLength(200)
  name?: string;

  @IsOptional() @IsBoolean()
  disabled?: boolean;

  @IsOptional() @IsString() @MinLength(8) @MaxLength(200)
  verifyToken?: string;
}

export class AddAppSecretDto {
  @IsString() @MinLength(16)
  secret!: string;

  @IsOptional() @IsString() @MaxLength(100)
  label?: string;
}

export class AddRoutesDto {
  @IsOptional() @IsArray() @Matches(META_ID, { each: true })
  wabaIds?: string[];

  @IsOptional() @IsArray() @Matches(META_ID, { each: true })
  phoneNumberIds?: string[];
}

export class CreateApiKeyDto {
  @IsString() @MinLength(1) @MaxLength(100)
  name!: string;
}
