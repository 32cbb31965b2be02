import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@cx/clock';
import { ReadYourWrites } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { AfterParams, afterPosition, AsOfParams, asOfTime } from './params';

/** What every view and report route does before it reads, and the settings its answers are judged by. */
@Injectable()
export class ReadRoutes {
  constructor(
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) readonly settings: Settings,
  ) {}

  /** Waits until the projections the route `reads` have processed the caller's `after` position (read your writes). */
  caughtUp(params: AfterParams, reads: readonly string[]): Promise<void> {
    return this.readYourWrites.await(afterPosition(params), reads);
  }

  /** The event time the answer is taken at: `asOf`, or now. */
  asOf(params: AsOfParams): number {
    return asOfTime(params, this.clock.now());
  }
}
