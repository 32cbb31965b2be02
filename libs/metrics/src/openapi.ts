import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from '@cx/access';

/** Tags by path, for the routes whose controllers carry no @ApiTags of their own. */
const TAGS: ReadonlyArray<[prefix: string, tag: string]> = [
  ['/v1/events', 'ingest'],
  ['/v1/customers', 'customers'],
  ['/v1/reports', 'reports'],
  ['/v1/cases', 'cases'],
  ['/v1/ops', 'ops'],
  ['/health', 'operability'],
  ['/metrics', 'operability'],
  ['/dashboard', 'dashboard'],
];

type Access = { public: true } | { public: false; role: string | undefined };

/**
 * OpenAPI at `/docs` (UI) and `/docs-json`, generated from the controllers. Who may call
 * a route is read from the same @RequireRole / @Public metadata the guard enforces, so the
 * document cannot drift from the rules: public routes need no key, the rest name their role.
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('CX Ledger')
    .setDescription('Event-sourced customer-experience backend. Send `Authorization: Bearer KEY`; each route names the role its key needs (ingest, analyst, ops).')
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (CX_API_KEYS, or the keys printed on first start)' }, 'bearer')
    .build();
  // Tags by domain (see TAGS), not one per controller class.
  const document = SwaggerModule.createDocument(app, config, { autoTagControllers: false });
  annotate(document, accessByOperation(app));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'CX Ledger API' });
  return document;
}

function annotate(document: OpenAPIObject, access: Map<string, Access>): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const rule = access.get(operation.operationId ?? '');
      if (!operation.tags || operation.tags.length === 0) operation.tags = [tagOf(path)];
      if (!rule) continue;
      operation.security = rule.public ? [] : [{ bearer: [] }];
      const note = rule.public ? 'No key needed.' : `Needs a key with the \`${rule.role ?? 'unknown'}\` role.`;
      operation.description = operation.description ? `${operation.description}\n\n${note}` : note;
    }
  }
}

const tagOf = (path: string): string => TAGS.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'other';

/** `Controller_method` (Swagger's operation ids) → who may call it, as the ApiKeyGuard decides. */
function accessByOperation(app: INestApplication): Map<string, Access> {
  const access = new Map<string, Access>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller || Reflect.getMetadata(PATH_METADATA, controller) === undefined) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        access.set(`${controller.name}_${method}`, accessOf(controller, handler));
      }
    }
  }
  return access;
}

/** Handler metadata first, then the class: the guard's getAllAndOverride order. */
function accessOf(controller: object, handler: object): Access {
  const read = (key: string) => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  if (read(PUBLIC_ROUTE)) return { public: true };
  return { public: false, role: read(REQUIRED_ROLE) };
}
