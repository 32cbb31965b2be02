import { Inject } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EVENT_STORE, EventStore, StoredEvent } from '@cx/event-store';
import { customerStreams } from '@cx/projections';
import { VIEW_STORE, ViewStore } from '@cx/view-store';
import { ProgressBar } from './progress';

interface ReplayOptions {
  toFile?: string;
  fromPosition: number;
  toPosition?: number;
  customer?: string;
}

/**
 * `cx replay --to-file PATH [--from-position N] [--to-position N] [--customer ID]`: re-emits
 * stored events as CloudEvents (JSON lines), with the store's position, customer and
 * recordedAt as extension attributes, for a downstream system that lost data.
 */
@Command({ name: 'replay', description: 're-emit stored events (a position range, or one customer) as CloudEvents' })
export class ReplayCommand extends CommandRunner {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore, @Inject(VIEW_STORE) private readonly views: ViewStore) {
    super();
  }

  async run(_: string[], options: ReplayOptions): Promise<void> {
    if (!options.toFile) throw new Error('name a destination: --to-file PATH');
    const out = options.toFile === '-' ? process.stdout : createWriteStream(options.toFile);
    let count = 0;
    for await (const event of this.selected(options)) {
      if (!out.write(`${JSON.stringify(asCloudEvent(event))}\n`)) await once(out, 'drain');
      count += 1;
    }
    if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
    process.stderr.write(`replayed ${count} events\n`);
  }

  private async *selected(options: ReplayOptions): AsyncGenerator<StoredEvent> {
    if (options.customer) {
      const { streams } = await customerStreams(this.views.reader, options.customer);
      const events = (await Promise.all(streams.map((stream) => this.events.readStream(stream)))).flat();
      yield* events.filter((e) => inRange(e, options)).sort((a, b) => a.position - b.position);
      return;
    }
    const head = options.toPosition ?? (await this.events.headPosition());
    const bar = new ProgressBar('replaying');
    for (let after = options.fromPosition - 1; after < head;) {
      const batch = await this.events.readAll({ after, maxCount: 5000 });
      if (batch.length === 0) break;
      for (const event of batch) if (event.position <= head) yield event;
      after = batch[batch.length - 1].position;
      bar.update(Math.min(after, head), head);
    }
    bar.finish();
  }

  @Option({ flags: '--to-file <path>', description: 'write JSON lines to this file (- for standard output)' })
  parseToFile(value: string): string {
    return value;
  }

  @Option({ flags: '--from-position <n>', description: 'first position (default 1)', defaultValue: 1 })
  parseFrom(value: string): number {
    return positive(value);
  }

  @Option({ flags: '--to-position <n>', description: 'last position (default: the head)' })
  parseTo(value: string): number {
    return positive(value);
  }

  @Option({ flags: '--customer <id>', description: "only this customer's events (with those of anonymous customers merged into it)" })
  parseCustomer(value: string): string {
    return value;
  }
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('positions are whole numbers from 1');
  return n;
}

const inRange = (e: StoredEvent, o: ReplayOptions) => e.position >= o.fromPosition && (o.toPosition === undefined || e.position <= o.toPosition);

/** The CloudEvent as stored, with where the store put it as extension attributes. */
export const asCloudEvent = (event: StoredEvent) => ({
  ...event.attributes,
  data: event.data,
  cxposition: event.position,
  cxcustomerid: event.customerId,
  cxrecordedat: new Date(event.recordedAt).toISOString(),
});
