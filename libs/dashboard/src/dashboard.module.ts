import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic, { type SetHeadersResponse } from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CLIENT_ROOT, clientRoot, CONTENT_SECURITY_POLICY } from './client-files';
import { DashboardController } from './dashboard.controller';

/** Every file may change with a release (no hashed names): the browser asks again each time. */
function pageHeaders(response: SetHeadersResponse, path: string): void {
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('x-content-type-options', 'nosniff');
  if (path.endsWith('.html')) response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
}

/**
 * The analysts' dashboard at `/dashboard`, served by the query role: the built browser code
 * (and Chart.js under `/dashboard/vendor/`) with @fastify/static. The files are public:
 * they hold no data.
 */
@Module({ controllers: [DashboardController], providers: [{ provide: CLIENT_ROOT, useFactory: clientRoot }] })
export class DashboardModule implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CLIENT_ROOT) private readonly root: string | null,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (this.root === null) {
      this.logger.warn('the dashboard is not built (npm run build): /dashboard answers 503');
      return;
    }
    // One route per built file (wildcard off): any other path under /dashboard/ is no route, so a 404.
    void fastify.register(fastifyStatic, {
      root: this.root,
      prefix: '/dashboard/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: pageHeaders,
    });
  }
}
