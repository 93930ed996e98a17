export * from './api-key';
export * from './api-key.guard';
export * from './secret-box';
export * from './tenancy-error.filter';
export * from './tenancy.module';
export * from './tenant-admin.service';
export * from './tenant-directory';
export * from './tenant.types';
