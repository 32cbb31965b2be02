import { Module } from '@nestjs/common';
import { AlertQueries } from './alert-queries';
import { AlertsController } from './alerts.controller';
import { ClosedLoopController } from './closed-loop.controller';
import { ClosedLoopQueries } from './closed-loop-queries';
import { ReadRoutes } from '../read-routes';

/** SPEC §2.4 routes: `GET /v1/alerts` and `GET /v1/reports/closed-loop`, over the alerts projection. */
@Module({
  controllers: [AlertsController, ClosedLoopController],
  providers: [ReadRoutes, AlertQueries, ClosedLoopQueries],
  exports: [AlertQueries, ClosedLoopQueries],
})
export class AlertsQueryModule {}
