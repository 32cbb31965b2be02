import { Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiResource } from '@cx/access';
import { ApiError, ErrorAnswer, IdParamPipe } from '@cx/http';
import { caseView } from '@cx/views';
import { CaseViewDto } from '../answers';
import { caseViewJson } from './case-json';
import { CASE_READS, CaseQueries } from './case-queries';
import { AsOfParams } from '../params';
import { ReadRoutes } from '../read-routes';

@ApiResource('v1/cases', 'analyst', 'cases')
export class CasesController {
  constructor(
    private readonly cases: CaseQueries,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §2.3: the case as of `asOf` (default now), replayed from its stored state. */
  @ApiOperation({ summary: 'A case at asOf: status, owner, pending team, handoffs, unowned minutes, flags, timeline (SPEC §2.3)' })
  @ApiOkResponse({ type: CaseViewDto })
  @ErrorAnswer(404, '`case_not_found`: no event of it by asOf')
  @Get(':id')
  async case(@Param('id', IdParamPipe) id: string, @Query() params: AsOfParams) {
    await this.reads.caughtUp(params, CASE_READS);
    const asOf = this.reads.asOf(params);
    const state = await this.cases.caseState(id);
    const view = state ? caseView(state, asOf, this.reads.settings.thresholds) : null;
    // A case none of whose events happened by asOf did not exist yet: unknown, like one never named.
    if (!view) throw new ApiError(404, 'case_not_found', `no case ${id}${state ? ` as of ${new Date(asOf).toISOString()}` : ''}`);
    const customer = await this.cases.canonicalCustomers([view.customerId, ...view.timeline.map((entry) => entry.customerId)]);
    return caseViewJson(view, customer);
  }
}
