import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from './clock';

/** The wall clock for a whole process, provided once: tests replace CLOCK with a ManualClock. */
@Global()
@Module({ providers: [{ provide: CLOCK, useValue: systemClock }], exports: [CLOCK] })
export class ClockModule {}
