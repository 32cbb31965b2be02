import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProjectionsModule } from '@cx/projections';
import { PROJECTOR_RUNS, ProjectionEngine } from './projection-engine';
import { ReadYourWrites } from './read-your-writes';

/**
 * The projection engine in every process (status, rebuild requests, read-your-writes);
 * it runs the folds only where `runs` is true, i.e. in processes with the projector role.
 */
@Global()
@Module({})
export class ProjectorModule {
  static forRoot(options: { runs: boolean }): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [ProjectionsModule],
      providers: [ProjectionEngine, ReadYourWrites, { provide: PROJECTOR_RUNS, useValue: options.runs }],
      exports: [ProjectionEngine, ReadYourWrites, ProjectionsModule],
    };
  }
}
