import { Inject } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CLOCK, Clock } from '@cx/clock';
import { CheckpointWriter, loadOrCreateSigner, loadPublicKey, MerkleLog } from '@cx/merkle-log';
import { SETTINGS, Settings } from '@cx/settings';

interface CheckpointOptions {
  out?: string;
  fresh?: boolean;
}

/**
 * `cx checkpoint export [--fresh] [--out FILE]`: the latest signed checkpoint of the Merkle
 * log as JSON, to keep outside the database (SPEC §4.2); `--fresh` first adds every stored
 * event to the tree and signs its head. `cx checkpoint public-key`: the key that verifies them (PEM).
 */
@Command({
  name: 'checkpoint',
  arguments: '<action>',
  description: 'export (the latest signed checkpoint, as JSON) or public-key (the PEM key that verifies checkpoints)',
})
export class CheckpointCommand extends CommandRunner {
  constructor(
    private readonly log: MerkleLog,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async run([action]: string[], options: CheckpointOptions): Promise<void> {
    if (action === 'public-key') {
      this.write(loadPublicKey(this.settings.signingKeyFile).export({ type: 'spki', format: 'pem' }).toString(), options.out);
      return;
    }
    if (action !== 'export') throw new Error(`cx checkpoint: export or public-key (got "${action}")`);
    if (options.fresh) await this.signHead();
    const latest = (await this.log.store.checkpoints(1)).at(0);
    if (!latest) throw new Error('no checkpoint signed yet: the server signs one once events arrive, or use --fresh');
    this.write(`${JSON.stringify(latest, null, 2)}\n`, options.out);
  }

  @Option({ flags: '--out <file>', description: 'write to this file instead of standard output' })
  parseOut(value: string): string {
    return value;
  }

  @Option({ flags: '--fresh', description: 'add every stored event to the tree and sign its head first' })
  parseFresh(): boolean {
    return true;
  }

  private async signHead(): Promise<void> {
    const writer = new CheckpointWriter(this.log, loadOrCreateSigner(this.settings.signingKeyFile), null, this.clock, {
      intervalMs: this.settings.checkpointIntervalMs,
    });
    await this.log.catchUp();
    await writer.step(true);
  }

  private write(text: string, out?: string): void {
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  }
}
