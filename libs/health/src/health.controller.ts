import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { sql } from 'kysely';
import { Public } from '@cx/access';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { VIEW_STORE, ViewStore } from '@cx/projection';

/**
 * SPEC §3 `GET /health`, without a key. Answering at all is liveness; 200 is readiness:
 * the event store and the view store both answer. While either is away (SPEC §4.1) it is
 * 503 with `details` naming the store that is down, and 200 again once it is back.
 */
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
  ) {}

  @ApiOperation({
    summary: 'Liveness (any answer) and readiness (200 while the event and view stores answer, 503 naming the one that does not)',
  })
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.eventStore(), () => this.viewStore()]);
  }

  private async eventStore() {
    const indicator = this.indicators.check('eventStore');
    try {
      await this.store.ping();
      return indicator.up({ headPosition: await this.store.headPosition() });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  private async viewStore() {
    const indicator = this.indicators.check('viewStore');
    try {
      await sql`SELECT 1`.execute(this.views.reader);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
