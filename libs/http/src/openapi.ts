import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from '@cx/access';
import { ApiErrorDto } from './api-error.dto';

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
    .setDescription(
      'Event-sourced customer-experience backend (the contract: SPEC.md). Send `Authorization: Bearer KEY`; each route names the role its key needs (ingest, analyst, ops). Every error is JSON `{error, message, details?}`; a client error is a 4xx, never a 5xx.',
    )
    .setVersion('v1')
    .addServer('/', 'this server')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description:
          'An API key, not a JWT: an opaque string such as `cx_analyst_…`, from CX_API_KEYS or printed once on the first start. Stored hashed; each key has roles (ingest, analyst, ops).',
      },
      'bearer',
    )
    .build();
  // Tags by domain (see TAGS), not one per controller class.
  const document = SwaggerModule.createDocument(app, config, { autoTagControllers: false, extraModels: [ApiErrorDto] });
  annotate(document, accessByOperation(app));
  typeNullableReferences(document);
  keepExtensionsOpen(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: 'CX Ledger API' });
  return document;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function annotate(document: OpenAPIObject, access: Map<string, Access>): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const rule = access.get(operation.operationId ?? '');
      if (!operation.tags || operation.tags.length === 0) operation.tags = [tagOf(path)];
      describeContent(operation);
      if (!rule) continue;
      operation.security = rule.public ? [] : [{ bearer: [] }];
      const note = rule.public ? 'No key needed.' : `Needs a key with the \`${rule.role ?? 'unknown'}\` role.`;
      operation.description = operation.description ? `${operation.description}\n\n${note}` : note;
      addCommonErrors(path, operation, rule);
    }
  }
}

/**
 * OpenAPI 3.0 reads `nullable` only beside a `type`: Nest writes a nullable reference as
 * `{nullable, allOf: [$ref]}`, which says nothing to a client generator; give it `type: object`.
 */
function typeNullableReferences(document: OpenAPIObject): void {
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    for (const property of Object.values((schema as SchemaObject).properties ?? {})) {
      const p = property as SchemaObject;
      if (p.nullable && p.allOf && p.type === undefined) p.type = 'object';
    }
  }
}

/** CloudEvents keep unknown attributes (SPEC §1.1): the schemas of events say so. */
const CLOUD_EVENT_SCHEMAS = ['CloudEventDto', 'TimelineEntryDto'];

function keepExtensionsOpen(document: OpenAPIObject): void {
  for (const name of CLOUD_EVENT_SCHEMAS) {
    const schema = document.components?.schemas?.[name] as SchemaObject | undefined;
    if (schema) schema.additionalProperties = { description: 'an extension attribute' };
  }
}

/**
 * Content negotiation is described by the answers' media types, not by an `Accept`
 * parameter; a CSV answer is text, whatever the JSON one is.
 */
function describeContent(operation: OperationObject): void {
  operation.parameters = operation.parameters?.filter((p) => !('in' in p && p.in === 'header' && p.name.toLowerCase() === 'accept'));
  for (const [status, response] of Object.entries(operation.responses)) {
    const content = (response as ResponseObject).content;
    if (!content?.['text/csv']) continue;
    // Errors are JSON whatever was asked for; a new media object, since Nest may share one between JSON and CSV.
    if (Number(status) >= 400) delete content['text/csv'];
    else content['text/csv'] = { schema: { type: 'string', description: 'RFC 4180 CSV with a header row' } };
  }
}

/** The errors any route may answer (SPEC §3), in the API's shape, where the route does not describe them itself. */
function addCommonErrors(path: string, operation: OperationObject, rule: Access): void {
  const error = (description: string): ResponseObject => ({
    description,
    content: { 'application/json': { schema: { $ref: getSchemaPath(ApiErrorDto) } } },
  });
  const add = (status: number, description: string) => {
    operation.responses[String(status)] ??= error(description) as ResponseObject | ReferenceObject;
  };
  add(
    400,
    'A parameter or body that breaks its rules: `invalid_parameter` (with `details: [{parameter, message}]`), `window_too_long`, `malformed_json`, a body on a GET (`body_not_allowed`), …',
  );
  if (!rule.public) {
    add(401, '`unauthorized`: no key, or a key this server does not know');
    add(403, '`forbidden`: a key without the role this route needs');
  }
  if (path.startsWith('/v1/'))
    add(503, '`store_unavailable` while a store is away (retry), or `not_caught_up` when `after` was not reached within 10 s');
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
  const read = (key: string): unknown => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  if (read(PUBLIC_ROUTE)) return { public: true };
  return { public: false, role: read(REQUIRED_ROLE) as string | undefined };
}
