import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/**
 * A real Kafka broker for tests and benchmarks, found in this order: `CX_KAFKA_BROKERS`,
 * a testcontainers Kafka where a Docker engine answers, then tools/kafka/start.sh (Java
 * and Maven, no Docker). There is no mock broker. With CI=true a broker that cannot be
 * found is an error; elsewhere the answer is null and the suite says it skipped.
 */
export interface KafkaBroker {
  brokers: string[];
  origin: 'environment' | 'testcontainers' | 'tools/kafka';
  /** Stops what the lookup started for this suite (a container). The tools/kafka broker is shared by every suite and left running. */
  release(): Promise<void>;
}

/** A broker of the test's own, which it may stop and start (the shared one must not be). */
export interface OwnKafkaBroker {
  brokers: string[];
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  dispose(): Promise<void>;
}

const KAFKA_IMAGE = 'apache/kafka:4.4.0';

export async function findKafkaBroker(): Promise<KafkaBroker> {
  const fromEnvironment = (process.env.CX_KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (fromEnvironment.length > 0) return { brokers: fromEnvironment, origin: 'environment', release: async () => undefined };
  const problems: string[] = [];
  try {
    if (await dockerAnswers()) {
      const own = await startContainerBroker();
      return { brokers: own.brokers, origin: 'testcontainers', release: () => own.dispose() };
    }
  } catch (error) {
    problems.push(`testcontainers: ${(error as Error).message}`);
  }
  try {
    await runScript('start.sh', {});
    return { brokers: ['127.0.0.1:9092'], origin: 'tools/kafka', release: async () => undefined };
  } catch (error) {
    problems.push(`tools/kafka/start.sh: ${(error as Error).message}`);
  }
  // A missing broker fails the suite, in CI and out: `npm run services:start` starts one.
  throw new Error(`no Kafka broker: set CX_KAFKA_BROKERS, or make Docker or Java 17 + Maven available\n${problems.join('\n')}`);
}

/**
 * A broker only this test uses, on ports of its own, so it can be stopped and started
 * mid-stream without disturbing other suites (or an external CX_KAFKA_BROKERS cluster).
 */
export async function startOwnKafkaBroker(): Promise<OwnKafkaBroker | null> {
  try {
    return (await dockerAnswers()) ? await startContainerBroker() : await startScriptBroker();
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    process.stderr.write(`no Kafka broker of the test's own: ${(error as Error).message}\n(skipping: not CI)\n`);
    return null;
  }
}

/** tools/kafka on free ports with a data folder of its own. */
async function startScriptBroker(): Promise<OwnKafkaBroker> {
  const env = {
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_DATA_DIR: mkdtempSync(join(tmpdir(), 'cx-kafka-')),
  };
  await runScript('start.sh', env);
  return {
    brokers: [`127.0.0.1:${env.KAFKA_PORT}`],
    stop: () => runScript('stop.sh', env),
    start: () => runScript('start.sh', env),
    dispose: () => runScript('stop.sh', { ...env, KAFKA_WIPE: '1' }),
  };
}

/** Answers within a second whether a Docker engine is there: most machines without one fail at once (no socket). */
export async function dockerAnswers(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  let target: { socketPath: string } | { host: string; port: number };
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace('tcp://', 'http://'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    const candidates = [host?.replace('unix://', ''), '/var/run/docker.sock', join(homedir(), '.docker/run/docker.sock')];
    const socketPath = candidates.find((path): path is string => !!path && existsSync(path));
    if (!socketPath) return false;
    target = { socketPath };
  }
  return new Promise((resolve) => {
    const ping = request({ ...target, path: '/_ping', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on('timeout', () => ping.destroy());
    ping.on('error', () => resolve(false));
    ping.end();
  });
}

/**
 * apache/kafka in KRaft mode. The client port is the same inside and outside the
 * container, so the one advertised address works for the broker itself and for us.
 */
async function startContainerBroker(): Promise<OwnKafkaBroker> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const port = await freePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://localhost:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const brokers = [`127.0.0.1:${port}`];
  await brokerAnswers(brokers);
  const runtime = await getContainerRuntimeClient();
  const handle = runtime.container.getById(container.getId());
  return {
    brokers,
    stop: () => runtime.container.stop(handle, { timeout: 10 }),
    start: async () => {
      await runtime.container.start(handle);
      await brokerAnswers(brokers);
    },
    dispose: async () => {
      await container.stop();
    },
  };
}

async function brokerAnswers(brokers: string[]): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 20 } }).admin();
  await admin.connect();
  await admin.listTopics();
  await admin.disconnect();
}

function runScript(script: 'start.sh' | 'stop.sh', env: Record<string, string>): Promise<void> {
  const path = join(repositoryRoot(), 'tools', 'kafka', script);
  return new Promise((resolve, reject) => {
    execFile('bash', [path], { env: { ...process.env, ...env }, timeout: 240_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${script} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** The folder holding tools/kafka, from the source tree or from dist/. */
function repositoryRoot(): string {
  for (let folder = __dirname; folder !== dirname(folder); folder = dirname(folder)) {
    if (existsSync(join(folder, 'tools', 'kafka', 'start.sh'))) return folder;
  }
  throw new Error(`tools/kafka/start.sh not found above ${__dirname}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
