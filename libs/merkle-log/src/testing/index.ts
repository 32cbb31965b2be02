/** The contract every MerkleLogStore adapter passes. */
export * from './merkle-log.contract';
