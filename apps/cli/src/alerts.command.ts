import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { redeliverAlerts, targetNames } from '@cx/alerts';
import { CLOCK, Clock } from '@cx/clock';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { instantParam } from '@cx/query';
import { SETTINGS, Settings } from '@cx/settings';

interface RedeliverOptions {
  since?: string;
  target?: string[];
}

/**
 * `cx alerts redeliver --since T [--target URL|kafka]…`: for a receiver that lost data, every
 * alert event sent since T goes out again (same CloudEvent ids) to the targets named, by
 * default every target of the settings. The running deliverers pick them up.
 */
@SubCommand({
  name: 'redeliver',
  description: 'send again every alert event (raised, followed up) dated at or after --since, to the targets named (default: all)',
})
export class RedeliverAlertsCommand extends CommandRunner {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async run(_: string[], options: RedeliverOptions): Promise<void> {
    if (!options.since) throw new Error('--since is required (an RFC 3339 time, e.g. 2026-03-01T00:00:00Z)');
    const since = instantParam('--since', options.since, 0);
    const known = targetNames(this.settings);
    const targets = options.target ?? known;
    const unknown = targets.filter((target) => !known.includes(target));
    if (unknown.length > 0)
      throw new Error(
        `unknown target ${unknown.join(', ')} (targets: ${known.join(', ') || 'none: set CX_WEBHOOK_URLS or CX_KAFKA_BROKERS'})`,
      );
    const queued = await redeliverAlerts(this.views, since, targets, this.clock.now());
    process.stdout.write(`${queued} alert deliveries queued again (${targets.join(', ')}) since ${new Date(since).toISOString()}\n`);
  }

  @Option({ flags: '--since <time>', description: 'the first alert event time to send again (RFC 3339)' })
  parseSince(value: string): string {
    return value;
  }

  @Option({ flags: '--target <target>', description: 'kafka, or one of CX_WEBHOOK_URLS; repeat for several (default: all)' })
  parseTarget(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }
}

@Command({ name: 'alerts', description: 'alert delivery (SPEC §2.4)', subCommands: [RedeliverAlertsCommand] })
export class AlertsCommand extends CommandRunner {
  async run(): Promise<void> {
    process.stdout.write('usage: cx alerts redeliver --since <time> [--target <url|kafka>]…\n');
  }
}
