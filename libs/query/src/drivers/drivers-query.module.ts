import { Module } from '@nestjs/common';
import { DriversReportController } from './drivers.controller';

/** SPEC §2.5: `GET /v1/reports/drivers`. */
@Module({ controllers: [DriversReportController] })
export class DriversQueryModule {}
