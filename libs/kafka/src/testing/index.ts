/** A real broker for tests and benchmarks, and topics to produce to and read from. */
export * from './kafka-broker';
export * from './kafka-topics';
