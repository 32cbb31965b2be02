import { Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiResource } from '@cx/access';
import { storedCloudEvent, type StoredEvent } from '@cx/event-store';
import { ApiError, ErrorAnswer, IdParamPipe } from '@cx/http';
import type { CustomerView } from '@cx/views';
import { CustomerListDto, CustomerViewDto, TimelineDto } from './answers';
import { CUSTOMER_READ_MODEL, CustomerReadModel } from './customer-read-model';
import { LifecycleQueries } from './lifecycle-queries';
import { AsOfParams, CustomerListParams, TimelineParams } from './params';
import { decodeCursor, decodeIdCursor, encodeCursor, encodeIdCursor, iso } from './query-params';
import { ReadRoutes } from './read-routes';

/** The projections the customer routes read. */
const READS = ['lifecycle'];

@ApiResource('v1/customers', 'analyst', 'customers')
export class CustomersController {
  constructor(
    @Inject(CUSTOMER_READ_MODEL) private readonly customers: CustomerReadModel,
    private readonly lifecycle: LifecycleQueries,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §3 `GET /v1/customers`: filter by stage (at `asOf`) and segment (the latest); paged by customer id. */
  @ApiOperation({ summary: 'Customers with their stage at asOf, filtered by stage and segment, paged by id' })
  @ApiOkResponse({ type: CustomerListDto })
  @Get()
  async list(@Query() params: CustomerListParams) {
    await this.reads.caughtUp(params, READS);
    const asOf = this.reads.asOf(params);
    const { stage, segment } = params;
    const page = await this.lifecycle.list({ asOf, stage, segment, limit: params.limit ?? 100, after: decodeIdCursor(params.cursor) });
    return {
      asOf: iso(asOf),
      customers: page.customers.map((c) => ({ ...c, firstSeen: iso(c.firstSeen), lastSeen: iso(c.lastSeen) })),
      nextCursor: page.next ? encodeIdCursor(page.next) : null,
    };
  }

  /** SPEC §2.1: the lifecycle view as of `asOf` (default now). */
  @ApiOperation({
    summary: 'A customer’s lifecycle view at asOf (SPEC §2.1); a merged-away anonymous id answers as the customer it was merged into',
  })
  @ApiOkResponse({ type: CustomerViewDto })
  @ErrorAnswer(404, '`customer_not_found`')
  @Get(':id')
  async customer(@Param('id', IdParamPipe) id: string, @Query() params: AsOfParams) {
    await this.reads.caughtUp(params, READS);
    const asOf = this.reads.asOf(params);
    const view = await this.customers.customerView(id, asOf);
    if (!view) throw unknownCustomer(id);
    return customerJson(view);
  }

  /** The customer's events in time order, whatever order they arrived in; paged. */
  @ApiOperation({ summary: 'The customer’s events as CloudEvents, in event time order, paged' })
  @ApiOkResponse({ type: TimelineDto })
  @ErrorAnswer(404, '`customer_not_found`')
  @Get(':id/timeline')
  async timeline(@Param('id', IdParamPipe) id: string, @Query() params: TimelineParams) {
    await this.reads.caughtUp(params, READS);
    const page = await this.customers.timeline(id, params.limit ?? 50, decodeCursor(params.cursor));
    if (!page) throw unknownCustomer(id);
    return { customerId: id, events: page.events.map(timelineEntry), nextCursor: page.next ? encodeCursor(page.next) : null };
  }
}

const unknownCustomer = (id: string) => new ApiError(404, 'customer_not_found', `no customer ${id}`);

function customerJson(view: CustomerView) {
  const answer = (a: { score: number; time: number } | null) => (a ? { score: a.score, time: iso(a.time) } : null);
  return {
    ...view,
    asOf: iso(view.asOf),
    stageHistory: view.stageHistory.map((change) => ({ stage: change.stage, since: iso(change.since) })),
    firstSeen: iso(view.firstSeen),
    lastSeen: iso(view.lastSeen),
    nps: answer(view.nps),
    csat: answer(view.csat),
    ces: answer(view.ces),
  };
}

/**
 * A timeline entry (SPEC §3): the stored CloudEvent as sent, time in UTC, with the store's
 * extension attributes, as `cx replay` and `cx.events` name them.
 */
export function timelineEntry(event: StoredEvent) {
  return { ...storedCloudEvent(event), time: iso(event.time) };
}
