import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';

/**
 * Nest's shutdown hooks (enableShutdownHooks) close the application on SIGTERM: Fastify
 * stops taking new requests and waits for the ones in hand, so a batch being appended
 * is answered; then the stores close. Nest ends by sending the signal to itself again,
 * which would make the exit code 143. A supervisor (Kubernetes, systemd, docker stop)
 * reads that as a crash, so once the hooks have run this turns that second signal into
 * a clean exit 0.
 */
@Injectable()
export class CleanExitOnSignal implements OnApplicationShutdown {
  private readonly logger = new Logger('shutdown');

  onApplicationShutdown(signal?: string): void {
    if (!signal) return; // app.close() from code (tests): nothing to exit
    this.logger.log(`${signal}: requests in hand answered, stores closed; exiting`);
    process.once(signal, () => process.exit(0));
  }
}

/** A clean exit code after a graceful shutdown, for a process that serves HTTP. */
@Module({ providers: [CleanExitOnSignal] })
export class GracefulShutdownModule {}
