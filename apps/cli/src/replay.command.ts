import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { fileSink, kafkaSink, replay, type ReplaySelection, type ReplaySink } from '@cx/ops';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { ProgressBar } from './progress';

interface ReplayOptions extends ReplaySelection {
  toFile?: string;
  /** A topic, or true for the canonical stream's (`cx.events`). */
  toKafka?: string | true;
}

/**
 * `cx replay --to-file PATH | --to-kafka [TOPIC] [--from-position N] [--to-position N]
 * [--customer ID]`: re-emits stored events for a downstream system that lost data. To a
 * file: CloudEvents as JSON lines with the store's position, customer and recordedAt as
 * extension attributes. To Kafka: the canonical stream's messages (binary mode, key =
 * customer id), so consumers dedupe them by position as they do the relay's.
 */
@Command({ name: 'replay', description: 're-emit stored events (a position range, or one customer) as CloudEvents' })
export class ReplayCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    super();
  }

  async run(_: string[], options: ReplayOptions): Promise<void> {
    const sink = await this.sinkFor(options);
    const bar = options.customer === undefined ? new ProgressBar('replaying') : undefined;
    const count = await replay({ events: this.events, views: this.views }, options, sink, (done, head) => bar?.update(done, head));
    bar?.finish();
    process.stderr.write(`replayed ${count} events\n`);
  }

  private async sinkFor(options: ReplayOptions): Promise<ReplaySink> {
    if (options.toFile && options.toKafka) throw new Error('name one destination: --to-file or --to-kafka');
    if (options.toFile) return fileSink(options.toFile);
    if (options.toKafka) return kafkaSink(this.settings, options.toKafka === true ? undefined : options.toKafka);
    throw new Error('name a destination: --to-file PATH or --to-kafka [TOPIC]');
  }

  @Option({ flags: '--to-file <path>', description: 'write JSON lines to this file (- for standard output)' })
  parseToFile(value: string): string {
    return value;
  }

  @Option({
    flags: '--to-kafka [topic]',
    description: 'produce to this topic (default: the canonical stream, cx.events) on CX_KAFKA_BROKERS',
  })
  parseToKafka(value: string | undefined): string | true {
    return value ?? true;
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
