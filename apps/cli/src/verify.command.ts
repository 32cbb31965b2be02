import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { verifyChains } from '@cx/ops';

/** `cx verify`: checks every hash chain; exits 1 naming the first event that does not check. */
@Command({ name: 'verify', description: 'check the hash chain of every stream (SPEC §4.2); exit 1 on the first event that does not check' })
export class VerifyCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    super();
  }

  async run(): Promise<void> {
    const started = performance.now();
    const result = await verifyChains(this.store, (checked, head) => progress(`verifying chains: ${checked}/${head} events`));
    progress('');
    const seconds = (performance.now() - started) / 1000;
    if (result.firstBroken) {
      const b = result.firstBroken;
      process.stdout.write(`FAILED: event at position ${b.position} (stream ${b.streamId}, revision ${b.revision}, source ${b.source}, id ${b.id}): ${b.reason}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`ok: ${result.checked} events in ${result.streams} streams check (${Math.round(result.checked / Math.max(seconds, 0.001))} events/s)\n`);
  }
}

/** One line of progress on a terminal, rewritten in place; nothing when piped. */
function progress(text: string): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`\r\x1b[2K${text}`);
}
