import { Module } from '@nestjs/common';
import { ProjectionsController } from './projections.controller';

/** The ops routes under /v1/ops. */
@Module({ controllers: [ProjectionsController] })
export class OpsModule {}
