import { CleanExitOnSignal } from './graceful-shutdown';

describe('CleanExitOnSignal', () => {
  it('turns the signal Nest sends itself after a graceful shutdown into exit 0', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = process.listenerCount('SIGUSR2');
    try {
      new CleanExitOnSignal().onApplicationShutdown('SIGUSR2');
      expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(exit).toHaveBeenCalledWith(0);
    } finally {
      exit.mockRestore();
    }
  });

  it('does nothing when the application is closed from code', () => {
    const before = process.listenerCount('SIGTERM');
    new CleanExitOnSignal().onApplicationShutdown();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
