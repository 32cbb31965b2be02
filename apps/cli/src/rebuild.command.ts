import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { ProjectionEngine } from '@cx/projector';
import { Projection, PROJECTIONS } from '@cx/view-store';
import { ProgressBar } from './progress';

/** `cx rebuild [projection…]`: rebuild from the first event beside the live version, as the HTTP route does, and wait for the switch. */
@Command({ name: 'rebuild', arguments: '[projections...]', description: 'rebuild projections (all when none is named) from the first event; the live version serves until the new one has caught up' })
export class RebuildCommand extends CommandRunner {
  constructor(private readonly engine: ProjectionEngine, @Inject(PROJECTIONS) private readonly projections: Projection[]) {
    super();
  }

  async run(names: string[]): Promise<void> {
    const chosen = names.length === 0 ? this.projections : names.map((name) => this.engine.projection(name));
    const unknown = names.filter((_, i) => !chosen[i]);
    if (unknown.length > 0) {
      process.stderr.write(`cx rebuild: unknown projection ${unknown.join(', ')} (known: ${this.projections.map((p) => p.name).join(', ')})\n`);
      process.exitCode = 2;
      return;
    }
    for (const projection of chosen as Projection[]) {
      const bar = new ProgressBar(`rebuilding ${projection.name}`);
      const generation = await this.engine.rebuildHere(projection, (done, head) => bar.update(done, head));
      bar.finish();
      process.stdout.write(`${projection.name}: generation ${generation} is live (${bar.elapsed().toFixed(1)} s)\n`);
    }
  }
}
