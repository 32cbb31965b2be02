/** A one-line progress bar on a terminal, rewritten in place; silent when output is piped. */
export class ProgressBar {
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number): void {
    if (!this.out.isTTY) return;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const rate = Math.round(done / Math.max((performance.now() - this.started) / 1000, 0.001));
    this.out.write(`\r\x1b[2K${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${rate}/s)`);
  }

  finish(): void {
    if (this.out.isTTY) this.out.write('\r\x1b[2K');
  }

  /** Seconds since the bar was made. */
  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }
}
