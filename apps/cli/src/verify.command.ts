import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { compareProjection, mergesWithoutEvent, projectInto, verifyChains, ViewDifference, withScratchViews } from '@cx/ops';
import { IDENTITY_DIRECTORY, IdentityDirectory } from '@cx/identity';
import { Projection, ProjectionRegistry, PROJECTIONS, VIEW_STORE, ViewStore } from '@cx/projection';
import { ProgressBar } from './progress';

/** A live projection that moves while it is compared is compared again, this many times. */
const ATTEMPTS = 3;

/**
 * `cx verify`: checks every hash chain (SPEC §4.2), then rebuilds every projection into a
 * scratch store up to the live checkpoint and compares the two row by row. Exit 1 on any
 * broken link or difference.
 */
@Command({ name: 'verify', description: 'check every hash chain and that every identity merge has its merge event, and compare each live projection with a rebuild, row by row; exit 1 on any difference' })
export class VerifyCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    private readonly registry: ProjectionRegistry,
    @Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory,
  ) {
    super();
  }

  async run(): Promise<void> {
    const chainsHold = await this.verifyChains();
    const mergesHold = await this.verifyMerges();
    let viewsMatch = true;
    for (const projection of this.projections) viewsMatch = (await this.verifyProjection(projection)) && viewsMatch;
    if (!chainsHold || !mergesHold || !viewsMatch) process.exitCode = 1;
  }

  private async verifyChains(): Promise<boolean> {
    const bar = new ProgressBar('verifying hash chains');
    const result = await verifyChains(this.events, (checked, head) => bar.update(checked, head));
    bar.finish();
    if (result.firstBroken) {
      const b = result.firstBroken;
      process.stdout.write(`FAILED: event at position ${b.position} (stream ${b.streamId}, revision ${b.revision}, source ${b.source}, id ${b.id}): ${b.reason}\n`);
      return false;
    }
    process.stdout.write(`ok: ${result.checked} events in ${result.streams} streams check (${Math.round(result.checked / Math.max(bar.elapsed(), 0.001))} events/s)\n`);
    return true;
  }

  /** Every merge of the identity directory has its merge event (SPEC §4.1). */
  private async verifyMerges(): Promise<boolean> {
    const missing = await mergesWithoutEvent(this.events, this.identities);
    for (const merge of missing) {
      process.stdout.write(`FAILED: the identity directory merged ${merge.from} into ${merge.into}, but no cx.customer.merged.v1 event says so\n`);
    }
    if (missing.length === 0) process.stdout.write('ok: every identity merge has its merge event\n');
    return missing.length === 0;
  }

  private async verifyProjection(projection: Projection): Promise<boolean> {
    const record = (await this.registry.records()).find((r) => r.name === projection.name);
    if (!record) {
      process.stdout.write(`${projection.name}: not installed yet, nothing to compare\n`);
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      const checkpoint = await this.registry.checkpoint(projection.name, record.activeGeneration);
      const differences = await this.compareAt(projection, checkpoint);
      const moved = (await this.registry.checkpoint(projection.name, record.activeGeneration)) !== checkpoint;
      if (moved && attempt < ATTEMPTS) continue;
      return this.report(projection, checkpoint, differences, moved);
    }
  }

  private compareAt(projection: Projection, checkpoint: number): Promise<ViewDifference[]> {
    const bar = new ProgressBar(`rebuilding ${projection.name} to compare`);
    return withScratchViews(async (scratch) => {
      await projectInto(scratch, this.events, [projection], { upTo: checkpoint, onProgress: (done, head) => bar.update(done, head) });
      bar.finish();
      return compareProjection(this.views, scratch, projection);
    });
  }

  private report(projection: Projection, checkpoint: number, differences: ViewDifference[], moved: boolean): boolean {
    if (differences.length === 0) {
      process.stdout.write(`ok: ${projection.name} matches a rebuild at position ${checkpoint}\n`);
      return true;
    }
    const note = moved ? ' (the live projection kept moving; stop ingest to compare at rest)' : '';
    process.stdout.write(`FAILED: ${projection.name} differs from a rebuild at position ${checkpoint}${note}\n`);
    for (const d of differences) {
      process.stdout.write(`  ${d.table}: ${d.onlyLive.length} row(s) only live, ${d.onlyRebuilt.length} only rebuilt\n`);
      for (const row of d.onlyLive) process.stdout.write(`    live:    ${row}\n`);
      for (const row of d.onlyRebuilt) process.stdout.write(`    rebuilt: ${row}\n`);
    }
    return false;
  }
}
