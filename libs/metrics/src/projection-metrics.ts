import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '@cx/clock';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { ProjectionEngine } from '@cx/projection';
import { secondsBehind } from './event-age';
import { Metrics } from './metrics';

const STATES = ['catching_up', 'live', 'failing', 'stopped', 'idle'] as const;

/** Projection checkpoints and lag (SPEC §3 `/v1/ops/projections`), read from the engine on every scrape. */
@Injectable()
export class ProjectionMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly engine: ProjectionEngine,
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const perProjection = (name: string, help: string) => this.metrics.gauge({ name, help, labelNames: ['projection'] });
    const lag = perProjection('cx_projection_lag_events', 'Events appended but not yet applied by the live generation');
    const lagSeconds = perProjection(
      'cx_projection_lag_seconds',
      'Seconds since the oldest event the live generation has not applied was recorded (0 when caught up)',
    );
    const checkpoint = perProjection('cx_projection_checkpoint_position', 'Last event position applied by the live generation');
    const rebuildLag = perProjection(
      'cx_projection_rebuild_lag_events',
      'Events a rebuilding generation still has to apply (0 when none is rebuilding)',
    );
    const state = this.metrics.gauge({
      name: 'cx_projection_state',
      help: '1 for the state the live generation is in',
      labelNames: ['projection', 'state'],
    });
    this.metrics.onScrape(async () => {
      for (const status of await this.engine.status()) {
        const projection = status.name;
        lag.set({ projection }, status.lag);
        lagSeconds.set({ projection }, status.lag > 0 ? await secondsBehind(this.events, status.checkpoint, this.clock.now()) : 0);
        checkpoint.set({ projection }, status.checkpoint);
        rebuildLag.set({ projection }, status.rebuilding?.lag ?? 0);
        for (const s of STATES) state.set({ projection, state: s }, status.state === s ? 1 : 0);
      }
    });
  }
}
