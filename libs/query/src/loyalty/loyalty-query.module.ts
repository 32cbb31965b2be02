import { Module } from '@nestjs/common';
import { LoyaltyReportsController } from './loyalty-reports.controller';

/** SPEC §2.2 routes: `GET /v1/reports/loyalty` and `GET /v1/reports/cohorts`. */
@Module({ controllers: [LoyaltyReportsController] })
export class LoyaltyQueryModule {}
