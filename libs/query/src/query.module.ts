import { Module } from '@nestjs/common';
import { CUSTOMER_READ_MODEL } from './customer-read-model';
import { CustomersController } from './customers.controller';
import { StreamCustomerReadModel } from './stream-customer-read-model';

/** The query role: the analysts' routes. */
@Module({
  controllers: [CustomersController],
  providers: [{ provide: CUSTOMER_READ_MODEL, useClass: StreamCustomerReadModel }],
})
export class QueryModule {}
