import { Module } from '@nestjs/common';
import { DriversReportController } from './drivers.controller';
import { ReadRoutes } from '../read-routes';

/** SPEC §2.5: `GET /v1/reports/drivers`. */
@Module({ controllers: [DriversReportController], providers: [ReadRoutes] })
export class DriversQueryModule {}
