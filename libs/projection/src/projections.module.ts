import { Module } from '@nestjs/common';
import { SETTINGS, Settings } from '@cx/settings';
import { PROJECTIONS } from './projection';
import { LifecycleProjection } from './lifecycle/lifecycle.projection';
import { CasesProjection } from './cases/cases.projection';
import { LoyaltyProjection } from './loyalty/loyalty.projection';

/** Every projection CX Ledger keeps, with the settings their rules read. */
@Module({
  providers: [{
    provide: PROJECTIONS,
    inject: [SETTINGS],
    useFactory: (settings: Settings) => [new LifecycleProjection(settings.thresholds), new CasesProjection(settings.thresholds), new LoyaltyProjection()],
  }],
  exports: [PROJECTIONS],
})
export class ProjectionsModule {}
