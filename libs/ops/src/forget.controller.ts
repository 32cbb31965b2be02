import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@cx/access';
import { CLOCK, Clock } from '@cx/clock';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { ApiError, ErrorAnswer, IdParamPipe } from '@cx/http';
import { IDENTITY_DIRECTORY, IdentityDirectory } from '@cx/identity';
import { CUSTOMER_KEYS, CustomerKeys } from '@cx/privacy';
import { VIEW_SNAPSHOTS, VIEW_STORE, ViewSnapshots, ViewStore } from '@cx/projection';
import { eraseCustomer } from './erasure';
import { ForgettingDto } from './ops.answers';

@ApiTags('ops')
@Controller('v1/ops/customers')
@RequireRole('ops')
export class ForgetController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CUSTOMER_KEYS) private readonly keys: CustomerKeys,
    @Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(VIEW_SNAPSHOTS) private readonly snapshots: ViewSnapshots | null,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** SPEC §4.3: erasure without rewriting history. */
  @ApiOperation({
    summary: 'Erasure (SPEC §4.3): deletes the customer’s keys and appends cx.customer.forgotten.v1; forgetting twice changes nothing',
  })
  @ApiOkResponse({ type: ForgettingDto })
  @ErrorAnswer(404, '`customer_not_found`')
  @Post(':id/forget')
  @HttpCode(200)
  async forget(@Param('id', IdParamPipe) id: string) {
    const result = await eraseCustomer(
      { events: this.events, keys: this.keys, identities: this.identities, views: this.views, snapshots: this.snapshots },
      id,
      this.clock.now(),
    );
    if (!result) throw new ApiError(404, 'customer_not_found', `no stored events for customer ${id}`);
    return result;
  }
}
