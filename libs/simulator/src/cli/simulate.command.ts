import { Command, CommandRunner, Option } from 'nest-commander';
import { DAY_MS } from '../catalogue';
import { simulate } from '../simulate';
import { DeliveryCounts, EventSink, FileSink, HttpSink, KafkaSink, MAX_BATCH_EVENTS, pump } from '../sinks';

export interface SimulateFlags {
  customers: number;
  days: number;
  seed: string;
  start?: string;
  to: 'http' | 'kafka' | 'file';
  url: string;
  key?: string;
  file: string;
  brokers?: string;
  batch: number;
  concurrency: number;
  duplicates?: number;
  late?: number;
}

/**
 * `cx simulate`: believable customer journeys (libs/simulator) sent to CX Ledger over
 * HTTP, to Kafka, or written as JSON lines. The period ends now unless --start says
 * otherwise, and never runs past now: the server refuses events from the future.
 */
@Command({
  name: 'simulate',
  description: 'generate believable customer journeys and send them over HTTP, to Kafka, or to a JSON-lines file',
})
export class SimulateCommand extends CommandRunner {
  async run(_params: string[], flags: SimulateFlags): Promise<void> {
    const now = Date.now();
    const start = flags.start ?? new Date(now - flags.days * DAY_MS).toISOString();
    const events = simulate({
      customers: flags.customers,
      days: flags.days,
      seed: flags.seed,
      start,
      now,
      duplicateShare: flags.duplicates,
      lateShare: flags.late,
    });
    const sink = sinkFor(flags);
    const started = performance.now();
    const counts = await pump(events, sink, { batchSize: flags.batch, concurrency: flags.to === 'file' ? 1 : flags.concurrency });
    report(flags, counts, (performance.now() - started) / 1000);
    if (counts.rejected > 0) process.exitCode = 1;
  }

  @Option({ flags: '--customers <n>', description: 'how many customers', defaultValue: 1000 })
  parseCustomers(value: string): number {
    return wholeNumber('--customers', value, 0);
  }

  @Option({ flags: '--days <n>', description: 'length of the simulated period in days', defaultValue: 365 })
  parseDays(value: string): number {
    return wholeNumber('--days', value, 1);
  }

  @Option({ flags: '--seed <seed>', description: 'same seed, same events', defaultValue: '1' })
  parseSeed(value: string): string {
    return value;
  }

  @Option({ flags: '--start <time>', description: 'first instant of the period (RFC 3339); default: --days before now' })
  parseStart(value: string): string {
    if (Number.isNaN(Date.parse(value))) throw new Error('--start must be an RFC 3339 time, e.g. 2025-01-01T00:00:00Z');
    return value;
  }

  @Option({ flags: '--to <target>', description: 'http, kafka or file', defaultValue: 'http', choices: ['http', 'kafka', 'file'] })
  parseTo(value: string): string {
    if (!['http', 'kafka', 'file'].includes(value)) throw new Error('--to must be http, kafka or file');
    return value;
  }

  @Option({ flags: '--url <url>', description: 'CX Ledger base URL (http)', defaultValue: 'http://localhost:3000', env: 'CX_URL' })
  parseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '--key <key>', description: 'API key with the ingest role (http)', env: 'CX_API_KEY' })
  parseKey(value: string): string {
    return value;
  }

  @Option({ flags: '--file <path>', description: 'JSON-lines output (file); - for standard output', defaultValue: '-' })
  parseFile(value: string): string {
    return value;
  }

  @Option({ flags: '--brokers <list>', description: 'comma-separated Kafka brokers (kafka)', env: 'CX_KAFKA_BROKERS' })
  parseBrokers(value: string): string {
    return value;
  }

  @Option({ flags: '--batch <n>', description: `events per request, at most ${MAX_BATCH_EVENTS}`, defaultValue: MAX_BATCH_EVENTS })
  parseBatch(value: string): number {
    const batch = wholeNumber('--batch', value, 1);
    if (batch > MAX_BATCH_EVENTS) throw new Error(`--batch must be at most ${MAX_BATCH_EVENTS}`);
    return batch;
  }

  @Option({ flags: '--concurrency <n>', description: 'batches in flight at once (1 keeps the order exactly)', defaultValue: 1 })
  parseConcurrency(value: string): number {
    return wholeNumber('--concurrency', value, 1);
  }

  @Option({ flags: '--duplicates <share>', description: 'share of events sent twice (default 0.02)' })
  parseDuplicates(value: string): number {
    return share('--duplicates', value);
  }

  @Option({ flags: '--late <share>', description: 'share of events delivered late (default 0.03)' })
  parseLate(value: string): number {
    return share('--late', value);
  }
}

function sinkFor(flags: SimulateFlags): EventSink {
  switch (flags.to) {
    case 'file':
      return new FileSink(flags.file);
    case 'kafka': {
      const brokers = (flags.brokers ?? '')
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean);
      if (brokers.length === 0) throw new Error('--to kafka needs --brokers (or CX_KAFKA_BROKERS)');
      return new KafkaSink(brokers);
    }
    case 'http':
      if (!flags.key) throw new Error('--to http needs --key (or CX_API_KEY) with the ingest role');
      return new HttpSink(flags.url, flags.key);
  }
}

/** The summary goes to standard error when the events themselves go to standard output. */
function report(flags: SimulateFlags, counts: DeliveryCounts, seconds: number): void {
  const out = flags.to === 'file' && flags.file === '-' ? process.stderr : process.stdout;
  const rate = Math.round(counts.sent / Math.max(seconds, 0.001));
  const where = flags.to === 'http' ? flags.url : flags.to === 'kafka' ? 'cx.ingest' : flags.file;
  const lines = [
    `simulated ${flags.customers} customers over ${flags.days} days (seed ${flags.seed}): ${counts.sent} events to ${where} in ${seconds.toFixed(1)} s (${rate} events/s)`,
  ];
  if (flags.to === 'http') lines.push(`accepted ${counts.accepted}, duplicate ${counts.duplicate}, rejected ${counts.rejected}`);
  for (const rejection of counts.rejections)
    lines.push(`  rejected ${rejection.id}: ${rejection.error} ${JSON.stringify(rejection.errors)}`);
  out.write(`${lines.join('\n')}\n`);
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number, ${min} or more`);
  return n;
}

function share(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${flag} must be a share from 0 to 1`);
  return n;
}
