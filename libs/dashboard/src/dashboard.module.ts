import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** The analysts' dashboard at `/dashboard`, served by the query role. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
