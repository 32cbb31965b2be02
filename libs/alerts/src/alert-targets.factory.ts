import { createKafka, DEFAULT_PARTITIONS } from '@cx/kafka';
import type { Settings } from '@cx/settings';
import { KafkaAlertTarget, WebhookAlertTarget, type AlertTarget } from './alert-targets';

export const ALERTS_TOPIC = 'cx.alerts';

/** `cx.alerts` under the same `CX_KAFKA_TOPIC_PREFIX` as the other topics. */
export const alertsTopic = (env: Record<string, string | undefined> = process.env): string =>
  (env.CX_KAFKA_TOPIC_PREFIX ?? '') + ALERTS_TOPIC;

/** Kafka when brokers are set, and each webhook URL of the settings. */
export function alertTargets(settings: Settings, env: Record<string, string | undefined> = process.env): AlertTarget[] {
  const targets: AlertTarget[] = [];
  if (settings.kafkaBrokers.length > 0)
    targets.push(new KafkaAlertTarget(createKafka(settings.kafkaBrokers, 'cx-ledger-alerts'), alertsTopic(env), DEFAULT_PARTITIONS));
  for (const url of settings.alerts.webhookUrls) targets.push(new WebhookAlertTarget(url, settings.alerts.webhookSecret ?? ''));
  return targets;
}

/** The target names `cx alerts redeliver` may name: `kafka` and the webhook URLs. */
export const targetNames = (settings: Settings): string[] => [
  ...(settings.kafkaBrokers.length > 0 ? ['kafka'] : []),
  ...settings.alerts.webhookUrls,
];
