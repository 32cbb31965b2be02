import { Module } from '@nestjs/common';
import { LoyaltyReportsController } from './loyalty-reports.controller';
import { ReadRoutes } from '../read-routes';

/** SPEC §2.2 routes: `GET /v1/reports/loyalty` and `GET /v1/reports/cohorts`. */
@Module({ controllers: [LoyaltyReportsController], providers: [ReadRoutes] })
export class LoyaltyQueryModule {}
