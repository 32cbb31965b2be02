/**
 * A test's name says its kind (as Emmett's do): `*.unit.spec.ts` beside the code, in-process
 * (embedded SQLite at most); `*.int.spec.ts` beside the code, against a real server
 * (PostgreSQL, Kafka, EventStoreDB); `test/*.e2e.spec.ts`, the product from outside.
 */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }] },
  // `@cx/<lib>`: a lib's public API; `@cx/<lib>/<entry>`: a narrower entry (`testing`: what it offers other libs' tests).
  moduleNameMapper: { '^@cx/([^/]+)/([^/]+)$': '<rootDir>/libs/$1/src/$2', '^@cx/([^/]+)$': '<rootDir>/libs/$1/src' },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
const { existsSync } = require('node:fs');

/**
 * The EventStoreDB contract suite runs wherever a server can be had: EVENTSTORE_URL, or a
 * Docker engine for testcontainers. Elsewhere it is not selected (see docs/event-stores.md).
 */
const eventStoreDbReachable = Boolean(process.env.EVENTSTORE_URL) || Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
const unreachable = eventStoreDbReachable
  ? []
  : [
      '<rootDir>/libs/event-store/src/eventstoredb/eventstoredb-event-store.int.spec.ts',
      '<rootDir>/libs/merkle-log/src/eventstoredb-merkle-log.int.spec.ts',
    ];

module.exports = {
  // Three suites at a time (npm test), on two cores: each suite keeps to its own PostgreSQL
  // schema or private cluster, Kafka topic prefix (its own broker when it stops one), temp
  // folder and port 0, and even three leave the cores about a third idle (suites wait on
  // servers, brokers, child processes and the disk). A clean CI run: 800 s of jest with three.
  // Global in Jest, not per project: end-to-end suites talk to real servers.
  testTimeout: 120000,
  // In CI, exit once every suite has run even if a client of a real server (a kafkajs consumer
  // whose broker a suite stopped, say) still holds a timer: one run hung there after all
  // passed, and --detectOpenHandles found nothing to name. Locally the hang stays visible.
  forceExit: process.env.CI === 'true',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.unit.spec.ts', '<rootDir>/apps/**/*.unit.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/libs/**/*.int.spec.ts', '<rootDir>/apps/**/*.int.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...unreachable],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
  ],
};
