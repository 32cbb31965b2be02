import { Module } from '@nestjs/common';
import { IdentityConflictsController } from './identity-conflicts.controller';
import { ProjectionsController } from './projections.controller';

/** The ops routes under /v1/ops. */
@Module({ controllers: [ProjectionsController, IdentityConflictsController] })
export class OpsModule {}
