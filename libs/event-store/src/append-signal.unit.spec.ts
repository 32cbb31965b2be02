import { AppendSignal, THREAD_WAKE_MS } from './append-signal';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AppendSignal across threads', () => {
  // Two signals of the same store stand for two threads: a BroadcastChannel reaches every other instance of its name.
  let appender: AppendSignal;
  let other: AppendSignal;
  beforeEach(() => {
    const store = `/tmp/store-${Math.random()}`;
    appender = new AppendSignal(store);
    other = new AppendSignal(store);
  });
  afterEach(() => {
    appender.close();
    other.close();
  });

  it('wakes a subscriber waiting in another thread at the first append', async () => {
    const began = Date.now();
    const waited = other.wait(5_000);
    appender.appended();
    await waited;

    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('tells the other threads of a burst of appends twice: at its first append and once after it', async () => {
    const wakes = jest.spyOn(other, 'notify');
    for (let i = 0; i < 50; i += 1) appender.appended();
    await sleep(THREAD_WAKE_MS * 5);

    expect(wakes).toHaveBeenCalledTimes(2);
  });

  it('wakes a subscriber that began waiting after the first append of a burst, by the message at its end', async () => {
    appender.appended();
    await other.wait(5_000);
    const waiting = other.wait(5_000);
    const began = Date.now();
    appender.appended();
    await waiting;

    expect(Date.now() - began).toBeLessThan(1_000);
  });
});
