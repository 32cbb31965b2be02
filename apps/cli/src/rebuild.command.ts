import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { Projection, ProjectionEngine, PROJECTIONS } from '@cx/projection';
import { ProgressBar } from './progress';

/** `cx rebuild [projection…]`: rebuild from the first event beside the live version, as the HTTP route does, and wait for the switch. */
@Command({
  name: 'rebuild',
  arguments: '[projections...]',
  description:
    'rebuild projections (all when none is named) from the first event, in one pass over the log; the live version serves until the new one has caught up',
})
export class RebuildCommand extends CommandRunner {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
  ) {
    super();
  }

  async run(names: string[]): Promise<void> {
    const chosen = names.length === 0 ? this.projections : names.map((name) => this.engine.projection(name));
    const unknown = names.filter((_, i) => !chosen[i]);
    if (unknown.length > 0) {
      process.stderr.write(
        `cx rebuild: unknown projection ${unknown.join(', ')} (known: ${this.projections.map((p) => p.name).join(', ')})\n`,
      );
      process.exitCode = 2;
      return;
    }
    const bar = new ProgressBar(`rebuilding ${(chosen as Projection[]).map((p) => p.name).join(', ')}`);
    const generations = await this.engine.rebuildHere(chosen as Projection[], (done, head) => bar.update(done, head));
    bar.finish();
    for (const [name, generation] of generations)
      process.stdout.write(`${name}: generation ${generation} is live (${bar.elapsed().toFixed(1)} s)\n`);
  }
}
