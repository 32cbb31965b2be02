import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { CheckpointsController } from './checkpoints.controller';
import { Erasure } from './erasure';
import { ForgetController } from './forget.controller';
import { IdentityConflictsController } from './identity-conflicts.controller';
import { ProjectionsController } from './projections.controller';

/** The ops routes under /v1/ops. */
@Module({
  controllers: [ProjectionsController, IdentityConflictsController, AuditController, ForgetController, CheckpointsController],
  providers: [Erasure],
})
export class OpsModule {}
