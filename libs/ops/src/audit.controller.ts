import { Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiResource } from '@cx/access';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { ApiError, ErrorAnswer, IdParamPipe } from '@cx/http';
import { MerkleLog } from '@cx/merkle-log';
import { customerStreams, VIEW_STORE, ViewStore } from '@cx/projection';
import { checkedInstant, iso } from '@cx/query';
import { auditProofs } from './audit-proofs';
import { CustomerAuditDto } from './ops.answers';
import { AuditParams } from './ops.params';
import { customerAudit } from './customer-audit';

@ApiResource('v1/ops/customers', 'ops', 'ops')
export class AuditController {
  constructor(
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    private readonly log: MerkleLog,
  ) {}

  /**
   * SPEC §3: every stored event of the customer with position, recordedAt, source and its
   * chain check; `knownAt` as §2. With `proof=true` (SPEC §4.2), each event also carries
   * its inclusion proof against the latest signed checkpoint, which the answer includes.
   */
  @ApiOperation({
    summary:
      'Every stored event of the customer with position, recordedAt, source and its hash-chain check; knownAt; inclusion proofs with proof=true',
  })
  @ApiOkResponse({ type: CustomerAuditDto })
  @ErrorAnswer(404, '`customer_not_found`: no stored event of the customer (known at knownAt)')
  @Get(':id/audit')
  async audit(@Param('id', IdParamPipe) id: string, @Query() params: AuditParams) {
    const knownAt = params.knownAt === undefined ? undefined : checkedInstant(params.knownAt);
    const withProofs = params.proof === 'true';
    const { customerId, streams } = await customerStreams(this.views.reader, id);
    const entries = await customerAudit(this.events, streams, knownAt);
    if (entries.length === 0)
      throw new ApiError(404, 'customer_not_found', `no stored events for customer ${id}${knownAt ? ' known at that time' : ''}`);
    const proofs = withProofs ? await auditProofs(this.log, entries) : undefined;
    return {
      customerId,
      knownAt: knownAt === undefined ? null : iso(knownAt),
      chainIntact: entries.every((e) => e.chainChecks),
      ...(proofs ? { checkpoint: proofs.checkpoint } : {}),
      events: entries.map((e) => ({
        ...e,
        recordedAt: iso(e.recordedAt),
        time: iso(e.time),
        ...(proofs ? { inclusion: proofs.inclusion.get(e.position) ?? null } : {}),
      })),
    };
  }
}
