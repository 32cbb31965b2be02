import { applyDecorators, Controller, SetMetadata } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AccessRole } from './api-key';

export const REQUIRED_ROLE = 'cx:required-role';
export const PUBLIC_ROUTE = 'cx:public-route';

/** The role a key needs for this route or controller. */
export const RequireRole = (role: AccessRole) => SetMetadata(REQUIRED_ROLE, role);

/** A route anyone may call without a key (only `/health` and the dashboard's static page). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** A controller of the API under `path`, for keys with `role`, listed under `tag` in the OpenAPI document. */
export const ApiResource = (path: string, role: AccessRole, tag: string) =>
  applyDecorators(Controller(path), RequireRole(role), ApiTags(tag));
