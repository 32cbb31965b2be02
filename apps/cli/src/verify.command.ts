import { Inject } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import {
  CheckpointVerification,
  loadPublicKey,
  MerkleLog,
  parseCheckpoint,
  SignedCheckpoint,
  verificationPasses,
  verifyAgainstCheckpoint,
} from '@cx/merkle-log';
import { SETTINGS, Settings } from '@cx/settings';
import { checkProjections, mergesWithoutEvent, verifyChains, ViewDifference } from '@cx/ops';
import { IDENTITY_DIRECTORY, IdentityDirectory } from '@cx/identity';
import { Projection, ProjectionRegistry, PROJECTIONS, VIEW_STORE, ViewStore } from '@cx/projection';
import { ProgressBar } from './progress';

interface VerifyOptions {
  checkpoint?: string;
  publicKey?: string;
}

/**
 * `cx verify`: checks every hash chain (SPEC §4.2), then rebuilds every projection into a
 * scratch store up to the live checkpoint and compares the two row by row. Exit 1 on any
 * broken link or difference.
 * `cx verify --checkpoint FILE`: proves the store still holds exactly the events a signed
 * checkpoint covers (their content recomputed), and that the Merkle tree stored with them
 * extends it; names the first position that differs. Views are not compared.
 */
@Command({
  name: 'verify',
  description:
    'check every hash chain and that every identity merge has its merge event, and compare each live projection with a rebuild, row by row; with --checkpoint FILE, prove the store holds exactly the events of a signed checkpoint; exit 1 on any difference',
})
export class VerifyCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    private readonly registry: ProjectionRegistry,
    @Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory,
    private readonly log: MerkleLog,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    super();
  }

  async run(_: string[], options: VerifyOptions = {}): Promise<void> {
    if (options.checkpoint) {
      if (!(await this.verifyCheckpoint(options.checkpoint, options.publicKey ?? this.settings.signingKeyFile))) process.exitCode = 1;
      return;
    }
    const chainsHold = await this.verifyChains();
    const mergesHold = await this.verifyMerges();
    const viewsMatch = await this.verifyProjections();
    if (!chainsHold || !mergesHold || !viewsMatch) process.exitCode = 1;
  }

  @Option({ flags: '--checkpoint <file>', description: 'a checkpoint exported earlier (cx checkpoint export)' })
  parseCheckpoint(value: string): string {
    return value;
  }

  @Option({ flags: '--public-key <file>', description: 'the key that signed it (PEM; default: CX_SIGNING_KEY_FILE)' })
  parsePublicKey(value: string): string {
    return value;
  }

  private async verifyCheckpoint(file: string, keyFile: string): Promise<boolean> {
    const checkpoint = readCheckpoint(file);
    const bar = new ProgressBar(`checking the events of checkpoint ${checkpoint.size}`);
    const stored = await this.log.store.checkpoints(1000);
    const result = await verifyAgainstCheckpoint(this.events, this.log, checkpoint, loadPublicKey(keyFile), {
      onProgress: (read) => bar.update(read, Math.max(read, checkpoint.size)),
      moreCheckpoints: stored,
    });
    bar.finish();
    for (const line of describeVerification(result, bar.elapsed())) process.stdout.write(`${line}\n`);
    return verificationPasses(result);
  }

  private async verifyChains(): Promise<boolean> {
    const bar = new ProgressBar('verifying hash chains');
    const result = await verifyChains(this.events, (checked, head) => bar.update(checked, head));
    bar.finish();
    if (result.firstBroken) {
      const b = result.firstBroken;
      process.stdout.write(
        `FAILED: event at position ${b.position} (stream ${b.streamId}, revision ${b.revision}, source ${b.source}, id ${b.id}): ${b.reason}\n`,
      );
      return false;
    }
    process.stdout.write(
      `ok: ${result.checked} events in ${result.streams} streams check (${Math.round(result.checked / Math.max(bar.elapsed(), 0.001))} events/s)\n`,
    );
    return true;
  }

  /** Every merge of the identity directory has its merge event (SPEC §4.1). */
  private async verifyMerges(): Promise<boolean> {
    const missing = await mergesWithoutEvent(this.events, this.identities);
    for (const merge of missing) {
      process.stdout.write(
        `FAILED: the identity directory merged ${merge.from} into ${merge.into}, but no cx.customer.merged.v1 event says so\n`,
      );
    }
    if (missing.length === 0) process.stdout.write('ok: every identity merge has its merge event\n');
    return missing.length === 0;
  }

  private async verifyProjections(): Promise<boolean> {
    let bar: ProgressBar | undefined;
    const progress = (done: number, head: number) => (bar ??= new ProgressBar('rebuilding the projections to compare')).update(done, head);
    const checks = await checkProjections({ events: this.events, views: this.views, registry: this.registry }, this.projections, progress);
    bar?.finish();
    let match = true;
    for (const [name, check] of checks) {
      if (!check.installed) process.stdout.write(`${name}: not installed yet, nothing to compare\n`);
      else match = this.report(name, check.checkpoint, check.differences, check.moved) && match;
    }
    return match;
  }

  private report(name: string, checkpoint: number, differences: ViewDifference[], moved: boolean): boolean {
    if (differences.length === 0) {
      process.stdout.write(`ok: ${name} matches a rebuild at position ${checkpoint}\n`);
      return true;
    }
    const note = moved ? ' (the live projection kept moving; stop ingest to compare at rest)' : '';
    process.stdout.write(`FAILED: ${name} differs from a rebuild at position ${checkpoint}${note}\n`);
    for (const d of differences) {
      process.stdout.write(`  ${d.table}: ${d.onlyLive.length} row(s) only live, ${d.onlyRebuilt.length} only rebuilt\n`);
      for (const row of d.onlyLive) process.stdout.write(`    live:    ${row}\n`);
      for (const row of d.onlyRebuilt) process.stdout.write(`    rebuilt: ${row}\n`);
    }
    return false;
  }
}

function readCheckpoint(file: string): SignedCheckpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the checkpoint ${file}: ${(error as Error).message}`);
  }
  try {
    return parseCheckpoint(JSON.parse(text));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

function describeVerification(v: CheckpointVerification, seconds: number): string[] {
  const c = v.checkpoint;
  const about = `checkpoint of ${c.size} events (root ${c.rootHash}, signed ${c.time} by key ${c.keyId})`;
  if (!v.signed) return [`FAILED: the ${about} is not signed by this key: it was altered, or another key signed it`];
  const lines: string[] = [];
  const d = v.firstDifference;
  if (d && d.toIndex - d.fromIndex > 1) {
    lines.push(
      `FAILED: the store no longer holds the events of the ${about}: the first difference lies in leaves ${d.fromIndex} to ${d.toIndex - 1} (positions ${d.position} to ${d.lastPosition} as the store numbers them now): the stored tree was altered too, so it cannot be named more precisely`,
    );
  } else if (d) {
    const what = d.missing ? `is missing: the store has ${v.events} events` : 'differs: it was altered, removed or moved';
    lines.push(
      `FAILED: the store no longer holds the events of the ${about}: the first difference is at position ${d.position} (leaf ${d.fromIndex}), which ${what}`,
    );
  } else {
    lines.push(`ok: the store holds exactly the events of the ${about} (${Math.round(v.events / Math.max(seconds, 0.001))} events/s)`);
  }
  if (!v.tree.consistent)
    lines.push(
      `FAILED: the Merkle tree stored with the events (${v.tree.size} leaves) does not extend the checkpoint: its tables were altered`,
    );
  else if (!d)
    lines.push(
      `ok: consistency proof from ${c.size} to the stored tree's ${v.tree.size} leaves verifies; ${v.events} events in the store now`,
    );
  if (v.alteredSince) {
    lines.push(
      `FAILED: the event at position ${v.alteredSince.position} (leaf ${v.alteredSince.leafIndex}), after the checkpoint, differs from the leaf the tree took for it: it was altered or removed since`,
    );
  }
  return lines;
}
