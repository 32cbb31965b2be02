import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '@cx/access';
import { DASHBOARD_JS } from './page/dashboard.client';
import { DASHBOARD_CSS } from './page/dashboard.css';
import { DASHBOARD_HTML } from './page/dashboard.html';

/**
 * Only what the page itself needs, from this origin: the machine that serves it may have
 * no internet, and a page that can call nothing else cannot leak the key elsewhere.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The analysts' dashboard (query role). The files are public: they hold no data. Every
 * number on the page comes from the API, called in the browser with the analyst's key.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  private chartLibrary?: Buffer;

  @Get()
  page(@Res() reply: FastifyReply) {
    return send(reply.header('content-security-policy', CONTENT_SECURITY_POLICY), 'text/html; charset=utf-8', DASHBOARD_HTML, 'no-cache');
  }

  @Get('app.js')
  script(@Res() reply: FastifyReply) {
    return send(reply, 'text/javascript; charset=utf-8', DASHBOARD_JS, 'no-cache');
  }

  @Get('app.css')
  styles(@Res() reply: FastifyReply) {
    return send(reply, 'text/css; charset=utf-8', DASHBOARD_CSS, 'no-cache');
  }

  /** Chart.js as its package ships it, from node_modules: no CDN. */
  @Get('vendor/chart.umd.min.js')
  chart(@Res() reply: FastifyReply) {
    this.chartLibrary ??= readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
    return send(reply, 'text/javascript; charset=utf-8', this.chartLibrary, 'public, max-age=86400');
  }
}

function send(reply: FastifyReply, type: string, body: string | Buffer, cache: string): FastifyReply {
  return reply.header('content-type', type).header('cache-control', cache).header('x-content-type-options', 'nosniff').send(body);
}
