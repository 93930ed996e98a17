import { Global, Module } from '@nestjs/common';

import { DatabaseSettingsCheck } from './database-settings';
import { PrismaService } from './prisma.service';
import { DatabasePool, SqlTransactions } from './sql-transactions';

@Global()
@Module({ providers: [DatabasePool, DatabaseSettingsCheck, PrismaService, SqlTransactions], exports: [DatabasePool, PrismaService, SqlTransactions] })
export class PrismaModule {}
