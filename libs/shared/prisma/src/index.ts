export * from './database-settings';
export * from './prisma.module';
export * from './prisma.service';
export * from './sql-transactions';
