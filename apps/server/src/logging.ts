import type { Params } from 'nestjs-pino';
import type { Settings } from '@cx/settings';

/** pino for every thread of the server, at `LOG_LEVEL`. */
export function loggerOptions(settings: Settings): Params {
  return {
    pinoHttp: {
      level: settings.logLevel,
      // Bodies carry personal data: only the request line, status and timing are logged.
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }) },
      redact: ['req.headers.authorization'],
    },
  };
}
