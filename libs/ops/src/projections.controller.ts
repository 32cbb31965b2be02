import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RequireRole } from '@cx/access';
import { ApiError, IdParamPipe } from '@cx/http';
import { ProjectionEngine } from '@cx/projection';

/** SPEC §3: each projection's checkpoint, lag and state; rebuilds beside the live version. */
@Controller('v1/ops/projections')
@RequireRole('ops')
export class ProjectionsController {
  constructor(private readonly engine: ProjectionEngine) {}

  @Get()
  async list() {
    return { projections: await this.engine.status() };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  async rebuild(@Param('name', IdParamPipe) name: string) {
    const projection = this.engine.projection(name);
    if (!projection) throw new ApiError(404, 'projection_not_found', `no projection ${name}`);
    const request = await this.engine.rebuild(projection);
    if ('alreadyBuilding' in request) {
      throw new ApiError(409, 'rebuild_in_progress', `${name} is already being rebuilt as generation ${request.alreadyBuilding}`);
    }
    return { projection: name, generation: request.generation, status: 'rebuilding' };
  }
}
