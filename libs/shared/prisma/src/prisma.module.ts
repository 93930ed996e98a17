import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { DatabasePool, SqlTransactions } from './sql-transactions';

@Global()
@Module({ providers: [DatabasePool, PrismaService, SqlTransactions], exports: [DatabasePool, PrismaService, SqlTransactions] })
export class PrismaModule {}
