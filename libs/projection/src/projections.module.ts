import { Module } from '@nestjs/common';
import { CLOCK, Clock } from '@cx/clock';
import { SETTINGS, Settings } from '@cx/settings';
import { PROJECTIONS } from './projection';
import { LifecycleProjection } from './lifecycle/lifecycle.projection';
import { CasesProjection } from './cases/cases.projection';
import { LoyaltyProjection } from './loyalty/loyalty.projection';
import { AlertsProjection } from './alerts/alerts.projection';
import { DriversProjection } from './drivers/drivers.projection';

/** Every projection CX Ledger keeps, with the settings their rules read. */
@Module({
  providers: [
    {
      provide: PROJECTIONS,
      inject: [SETTINGS, CLOCK],
      useFactory: (settings: Settings, clock: Clock) => [
        new LifecycleProjection(settings.thresholds),
        new CasesProjection(settings.thresholds),
        new LoyaltyProjection(),
        new AlertsProjection(settings.thresholds, { clock, horizonMs: settings.alerts.deliveryHorizonMs }),
        new DriversProjection(settings.thresholds),
      ],
    },
  ],
  exports: [PROJECTIONS],
})
export class ProjectionsModule {}
