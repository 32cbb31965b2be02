import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './access.decorators';
import type { AccessRole } from './api-key';
import { ApiKeyRegistry } from './api-key-registry';

interface KeyedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The roles of the caller's key, for handlers that decide per event (e.g. ops-only types). */
  accessRoles?: ReadonlySet<AccessRole>;
}

/** SPEC §4.4: every route needs `Authorization: Bearer KEY` with the route's role; 401 without a valid key, 403 with the wrong role. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const key = bearerToken(request.headers.authorization);
    if (!key) throw new UnauthorizedException({ error: 'unauthorized', message: 'an API key is required: Authorization: Bearer KEY' });
    const roles = this.registry.rolesOf(key);
    if (!roles) throw new UnauthorizedException({ error: 'unauthorized', message: 'unknown API key' });
    request.accessRoles = roles;
    const required = this.reflector.getAllAndOverride<AccessRole | undefined>(REQUIRED_ROLE, targets);
    if (!required) throw new ForbiddenException({ error: 'forbidden', message: 'this route names no role; refusing by default' });
    if (!roles.has(required)) throw new ForbiddenException({ error: 'forbidden', message: `this route needs the ${required} role` });
    return true;
  }
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}
