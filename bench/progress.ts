/** How often a line is written when stderr is not a terminal (a log, CI): often enough to show life, not a flood. */
const EVERY_MS = 5_000;
let lastLine = 0;

/**
 * Progress of a long section on stderr, so a run is never silent for minutes (the table goes
 * to stdout): on a terminal one line rewritten in place; elsewhere a line at most every few
 * seconds. An empty text clears the terminal's line.
 */
export function progress(text: string): void {
  if (process.stderr.isTTY) {
    process.stderr.write(`\r\x1b[2K${text}`);
    return;
  }
  const now = Date.now();
  if (text === '' || now - lastLine < EVERY_MS) return;
  lastLine = now;
  process.stderr.write(`bench: ${text}\n`);
}
