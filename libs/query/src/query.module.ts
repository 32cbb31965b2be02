import { Module } from '@nestjs/common';
import { AlertsQueryModule } from './alerts/alerts-query.module';
import { CasesQueryModule } from './cases/cases-query.module';
import { DriversQueryModule } from './drivers/drivers-query.module';
import { LoyaltyQueryModule } from './loyalty/loyalty-query.module';
import { CUSTOMER_READ_MODEL } from './customer-read-model';
import { CustomersController } from './customers.controller';
import { LifecycleQueries } from './lifecycle-queries';
import { ProjectedCustomerReadModel } from './projected-customer-read-model';
import { LifecycleReportController } from './reports.controller';
import { ReadRoutes } from './read-routes';

/** The query role: the analysts' routes over the projections. */
@Module({
  imports: [CasesQueryModule, LoyaltyQueryModule, AlertsQueryModule, DriversQueryModule],
  controllers: [CustomersController, LifecycleReportController],
  providers: [ReadRoutes, LifecycleQueries, { provide: CUSTOMER_READ_MODEL, useClass: ProjectedCustomerReadModel }],
})
export class QueryModule {}
