import type { EventStore } from '@cx/event-store';
import { SnapshotSchedule, ViewSnapshots } from './view-snapshots';

/** Copies that end when the test says: the batch ends at which each copy was started. */
class SlowCopies {
  readonly every = 50_000;
  readonly startedAt: number[] = [];
  private finish?: () => void;
  private upTo = 0;

  get busy(): boolean {
    return this.finish !== undefined;
  }

  take(): Promise<void> {
    this.startedAt.push(this.upTo);
    return new Promise((resolve) => (this.finish = resolve));
  }

  end(): void {
    this.finish?.();
    this.finish = undefined;
  }

  /** Folds batches of `size` after `from` up to `to`, as a runner reports them. */
  async fold(schedule: SnapshotSchedule, from: number, to: number, size: number, onBatch?: (upTo: number) => void): Promise<void> {
    for (let after = from; after < to; after += size) {
      this.upTo = after + size;
      await schedule.passed({ after, upTo: after + size, recordedBy: after + size }, [{ name: 'lifecycle', generation: 1 }]);
      onBatch?.(after + size);
    }
  }
}

const scheduleOf = (copies: SlowCopies) => new SnapshotSchedule(copies as unknown as ViewSnapshots, {} as EventStore, []);

describe('SnapshotSchedule', () => {
  it('takes one copy per multiple of `every` passed, none at the start', async () => {
    const copies = new SlowCopies();
    // The runner's first batch ends at 50,000: where the views stood, not a multiple it passed.
    await copies.fold(scheduleOf(copies), 30_000, 230_000, 20_000, () => copies.end());
    expect(copies.startedAt).toEqual([110_000, 150_000, 210_000]);
  });

  it('takes a multiple passed while a copy was being taken after the first batch once that copy is done', async () => {
    const copies = new SlowCopies();
    // The copy begun at 60,000 ends only after the batch ending at 120,000: 100,000 was passed meanwhile.
    await copies.fold(scheduleOf(copies), 0, 200_000, 20_000, (upTo) => upTo === 120_000 && copies.end());
    expect(copies.startedAt).toEqual([60_000, 140_000]);
  });

  it('owes one copy however many multiples were passed meanwhile', async () => {
    const copies = new SlowCopies();
    await copies.fold(scheduleOf(copies), 0, 300_000, 20_000, (upTo) => upTo === 260_000 && copies.end());
    expect(copies.startedAt).toEqual([60_000, 280_000]);
  });
});
