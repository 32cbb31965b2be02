import { HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiResource } from '@cx/access';
import { ApiError, ErrorAnswer, IdParamPipe } from '@cx/http';
import { Erasure } from './erasure';
import { ForgettingDto } from './ops.answers';

@ApiResource('v1/ops/customers', 'ops', 'ops')
export class ForgetController {
  constructor(private readonly erasure: Erasure) {}

  /** SPEC §4.3: erasure without rewriting history. */
  @ApiOperation({
    summary: 'Erasure (SPEC §4.3): deletes the customer’s keys and appends cx.customer.forgotten.v1; forgetting twice changes nothing',
  })
  @ApiOkResponse({ type: ForgettingDto })
  @ErrorAnswer(404, '`customer_not_found`')
  @Post(':id/forget')
  @HttpCode(200)
  async forget(@Param('id', IdParamPipe) id: string) {
    const result = await this.erasure.forget(id);
    if (!result) throw new ApiError(404, 'customer_not_found', `no stored events for customer ${id}`);
    return result;
  }
}
