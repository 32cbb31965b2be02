import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProjectionsModule } from '../projections.module';
import { PROJECTOR_OPTIONS, ProjectionEngine, ProjectorOptions } from './projection-engine';
import { ReadYourWrites } from './read-your-writes';

/**
 * The projection engine in every process (status, rebuild requests, read-your-writes);
 * it runs the folds only where `runs` is true, i.e. in processes with the projector role,
 * and with `source: 'kafka'` only rebuilds: the live generations are fed from `cx.events`.
 */
@Global()
@Module({})
export class ProjectorModule {
  static forRoot(options: ProjectorOptions): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [ProjectionsModule],
      providers: [ProjectionEngine, ReadYourWrites, { provide: PROJECTOR_OPTIONS, useValue: options }],
      exports: [ProjectionEngine, ReadYourWrites, ProjectionsModule],
    };
  }
}
