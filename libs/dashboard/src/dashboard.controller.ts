import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@cx/access';
import { ApiError } from '@cx/http';
import { CLIENT_ROOT, CONTENT_SECURITY_POLICY } from './client-files';

/**
 * `/dashboard` itself (the files under it are @fastify/static's, see DashboardModule): the
 * page, so that links with a query (`/dashboard?preset=30d`) keep working. Every number on
 * the page comes from the API, called in the browser with the analyst's key.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  constructor(@Inject(CLIENT_ROOT) private readonly root: string | null) {}

  @Get()
  page(@Res() reply: FastifyReply) {
    if (this.root === null) throw new ApiError(503, 'dashboard_not_built', 'the dashboard is not built on this server: run npm run build');
    return reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .sendFile('index.html');
  }
}
