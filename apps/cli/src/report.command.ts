import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { CLOCK, Clock } from '@cx/clock';
import { KnownAtSource, readViewsKnownAt, withEmptyViews } from '@cx/ops';
import { instantParam, REPORTS, toCsv } from '@cx/query';
import { SETTINGS, Settings } from '@cx/settings';
import { Projection, PROJECTIONS, VIEW_SNAPSHOTS, VIEW_STORE, ViewSnapshots, ViewStore } from '@cx/projection';
import { ProgressBar } from './progress';

interface ReportOptions {
  knownAt: string;
  asOf?: string;
  from?: string;
  to?: string;
  groupBy?: string;
  outcome?: string;
  currency?: string;
  format: 'json' | 'csv';
}

/**
 * `cx report <name> --known-at T …`: the report as the system would have answered at T —
 * the projections it reads rebuilt into a scratch store from the events recorded by T (or
 * on top of a snapshot of the views whose events were all known by T, or the live views,
 * when they stand at the head and everything stored was known by T), and
 * `asOf` defaulting to T.
 */
function howAnswered(source: KnownAtSource, knownAt: number, sources: readonly string[], seconds: number): string {
  const at = new Date(knownAt).toISOString();
  if (source === 'live') return 'answered from the live views: every stored event was known by then, and they stand at the head';
  if (source === 'snapshot')
    return `folded the events known at ${at} after a snapshot of the views into a scratch store (${sources.join(', ')}) in ${seconds.toFixed(1)} s`;
  return `replayed the events known at ${at} into a scratch store (${sources.join(', ')}) in ${seconds.toFixed(1)} s`;
}

@Command({
  name: 'report',
  arguments: '<name>',
  description: `a report as known at a past time: ${[...REPORTS.keys()].join(', ')}`,
})
export class ReportCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(VIEW_SNAPSHOTS) private readonly snapshots: ViewSnapshots | null,
  ) {
    super();
  }

  async run([name]: string[], options: ReportOptions): Promise<void> {
    const kind = REPORTS.get(name);
    if (!kind) throw new Error(`unknown report "${name}" (known: ${[...REPORTS.keys()].join(', ')})`);
    if (!options.knownAt) throw new Error('--known-at is required');
    const knownAt = instantParam('--known-at', options.knownAt, 0);
    const request = {
      asOf: instantParam('--as-of', options.asOf, knownAt),
      from: options.from ? instantParam('--from', options.from, 0) : undefined,
      to: options.to ? instantParam('--to', options.to, 0) : undefined,
      groupBy: options.groupBy,
      outcome: options.outcome,
      currency: options.currency,
    };
    const { build, sources, readIndexes } = kind;
    const projections = this.projections.filter((p) => sources.includes(p.name));
    // Parameters the report refuses are told now, not after the fold.
    await withEmptyViews(projections, (views) => build(views, request, this.settings));
    const bar = new ProgressBar(`replaying events known at ${new Date(knownAt).toISOString()}`);
    const { answer: report, source } = await readViewsKnownAt({
      live: this.views,
      store: this.events,
      projections,
      knownAt,
      now: this.clock.now(),
      read: (views) => build(views, request, this.settings),
      onProgress: (done, head) => bar.update(done, head),
      snapshots: this.snapshots,
      readIndexes,
    });
    bar.finish();
    // Ops see how the answer was made (stdout stays the report alone).
    process.stderr.write(`${howAnswered(source, knownAt, sources, bar.elapsed())}\n`);
    if (options.format === 'csv') {
      const { columns, rows } = report.csv();
      process.stdout.write(toCsv(columns, rows));
    } else {
      process.stdout.write(`${JSON.stringify({ knownAt: new Date(knownAt).toISOString(), report: report.json }, null, 2)}\n`);
    }
  }

  @Option({ flags: '--known-at <time>', description: 'answer from the events recorded at or before this RFC 3339 time (required)' })
  parseKnownAt(value: string): string {
    return value;
  }

  @Option({ flags: '--as-of <time>', description: 'event-time cut of the report (default: the --known-at time)' })
  parseAsOf(value: string): string {
    return value;
  }

  @Option({ flags: '--from <time>', description: 'window start, for windowed reports' })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--to <time>', description: 'window end (exclusive), for windowed reports' })
  parseTo(value: string): string {
    return value;
  }

  @Option({ flags: '--group-by <field>', description: 'grouping, for the loyalty and drivers reports' })
  parseGroupBy(value: string): string {
    return value;
  }

  @Option({ flags: '--outcome <outcome>', description: 'nps (default), csat or churn, for the drivers report' })
  parseOutcome(value: string): string {
    return value;
  }

  @Option({ flags: '--currency <code>', description: 'value tiers currency, for the drivers report with --group-by valueTier' })
  parseCurrency(value: string): string {
    return value;
  }

  @Option({ flags: '--format <format>', description: 'json (default) or csv', defaultValue: 'json' })
  parseFormat(value: string): string {
    if (value !== 'json' && value !== 'csv') throw new Error('--format must be json or csv');
    return value;
  }
}
