import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { CLOCK, Clock } from '@cx/clock';
import { Metrics } from '@cx/metrics';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { AlertDeliverer, DeliveryListener } from './alert-deliverer';
import { alertMetrics } from './alert-metrics';
import { alertTargets } from './alert-targets.factory';

/** Where delivery attempts are counted. */
export const DELIVERY_LISTENER = Symbol('DeliveryListener');

/** The alert metrics of this process's registry; DELIVERY_LISTENER counts the attempts told to it. */
@Module({
  providers: [
    {
      provide: DELIVERY_LISTENER,
      inject: [Metrics, VIEW_STORE, CLOCK],
      useFactory: (metrics: Metrics, store: ViewStore, clock: Clock) => alertMetrics(metrics, store, clock),
    },
  ],
  exports: [DELIVERY_LISTENER],
})
export class AlertMetricsModule {}

const deliverer: Provider = {
  provide: AlertDeliverer,
  inject: [VIEW_STORE, SETTINGS, CLOCK, DELIVERY_LISTENER],
  useFactory: (store: ViewStore, settings: Settings, clock: Clock, listener: DeliveryListener) =>
    new AlertDeliverer(store, alertTargets(settings), clock, listener),
};

/**
 * Delivery of alerts (SPEC §2.4) in processes with the projector role: the deliverer starts
 * once the application is up and stops before the stores close. Several processes share the
 * outbox through leases.
 */
@Module({})
export class AlertDeliveryModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(AlertDeliverer) private readonly deliverer: AlertDeliverer) {}

  /** Attempts counted in this process's metrics. */
  static counted(): DynamicModule {
    return { module: AlertDeliveryModule, imports: [AlertMetricsModule], providers: [deliverer] };
  }

  /** Attempts told to `listener`: the projector thread tells its process, whose metrics count them. */
  static reportingTo(listener: DeliveryListener): DynamicModule {
    return { module: AlertDeliveryModule, providers: [{ provide: DELIVERY_LISTENER, useValue: listener }, deliverer] };
  }

  onApplicationBootstrap(): void {
    this.deliverer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deliverer.stop();
  }
}
