import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiErrorFilter } from './api-error.filter';
import { registerBodyRules } from './body-rules';
import { refuseConnect } from './framework-errors';
import { registerJsonBody } from './json-body';
import { QueryParamsPipe } from './query-params.pipe';

/** Everything the HTTP API shares across routes: which bodies are read, how parameters are checked, how errors answer. */
export function configureHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBody(fastify);
  registerBodyRules(fastify);
  refuseConnect(fastify.server);
  app.useGlobalPipes(new QueryParamsPipe());
  app.useGlobalFilters(new ApiErrorFilter());
}
