import { Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ApiResource } from '@cx/access';
import { ApiError, ErrorAnswer, IdParamPipe } from '@cx/http';
import { ProjectionListDto, RebuildStartedDto } from './ops.answers';
import { ProjectionEngine } from '@cx/projection';

/** SPEC §3: each projection's checkpoint, lag and state; rebuilds beside the live version. */
@ApiResource('v1/ops/projections', 'ops', 'ops')
export class ProjectionsController {
  constructor(private readonly engine: ProjectionEngine) {}

  @ApiOperation({ summary: 'Each projection’s checkpoint, lag and state, and any rebuild in progress' })
  @ApiOkResponse({ type: ProjectionListDto })
  @Get()
  async list() {
    return { projections: await this.engine.status() };
  }

  @ApiOperation({ summary: 'Rebuilds a projection from the first event beside the live one, which serves until the new one has caught up' })
  @ApiResponse({ status: 202, type: RebuildStartedDto, description: 'the rebuild started' })
  @ErrorAnswer(404, '`projection_not_found`')
  @ErrorAnswer(409, '`rebuild_in_progress`')
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
