import { execFileSync } from 'node:child_process';

let answer: boolean | undefined;

/**
 * Whether testcontainers finds a container engine that answers. Jest registers tests
 * synchronously, so this asks in a child process, once per test file, bounded by a
 * timeout: with no engine it fails within a second.
 */
export function dockerEngineAnswers(): boolean {
  answer ??= probe();
  return answer;
}

function probe(): boolean {
  const testcontainers = JSON.stringify(require.resolve('testcontainers'));
  const script = `require(${testcontainers}).getContainerRuntimeClient().then(() => process.exit(0), () => process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', script], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
