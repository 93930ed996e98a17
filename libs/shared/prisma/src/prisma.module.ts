import { Global, Module } from '@nestjs/common';

import { PrismaService } from './prisma.service';
import { SqlTransactions } from './sql-transactions';

@Global()
@Module({ providers: [PrismaService, SqlTransactions], exports: [PrismaService, SqlTransactions] })
export class PrismaModule {}
