import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, Clock } from '@cx/clock';
import { Metrics } from '@cx/metrics';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { AlertDeliverer } from './alert-deliverer';
import { alertMetrics } from './alert-metrics';
import { alertTargets } from './alert-targets.factory';

/**
 * Delivery of alerts (SPEC §2.4) in processes with the projector role: the deliverer starts
 * once the application is up and stops before the stores close. Several processes share the
 * outbox through leases.
 */
@Module({
  providers: [
    {
      provide: AlertDeliverer,
      inject: [VIEW_STORE, SETTINGS, CLOCK, Metrics],
      useFactory: (store: ViewStore, settings: Settings, clock: Clock, metrics: Metrics) =>
        new AlertDeliverer(store, alertTargets(settings), clock, alertMetrics(metrics, store, clock)),
    },
  ],
})
export class AlertDeliveryModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(AlertDeliverer) private readonly deliverer: AlertDeliverer) {}

  onApplicationBootstrap(): void {
    this.deliverer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deliverer.stop();
  }
}
