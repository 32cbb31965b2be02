import { SetMetadata } from '@nestjs/common';
import type { AccessRole } from './api-key';

export const REQUIRED_ROLE = 'cx:required-role';
export const PUBLIC_ROUTE = 'cx:public-route';

/** The role a key needs for this route or controller. */
export const RequireRole = (role: AccessRole) => SetMetadata(REQUIRED_ROLE, role);

/** A route anyone may call without a key (only `/health` and the dashboard's static page). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
