import { Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiResource } from '@cx/access';
import { IDENTITY_DIRECTORY, IdentityDirectory } from '@cx/identity';
import { IdentityConflictListDto } from './ops.answers';
import { ConflictListParams } from './ops.params';

/** SPEC §1.2 step 4: identifiers a named customer claimed that stay with another named customer. */
@ApiResource('v1/ops/identity-conflicts', 'ops', 'ops')
export class IdentityConflictsController {
  constructor(@Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory) {}

  @ApiOperation({ summary: 'Identifiers a named customer claimed that stay with another named customer (SPEC §1.2 step 4)' })
  @ApiOkResponse({ type: IdentityConflictListDto })
  @Get()
  async list(@Query() params: ConflictListParams) {
    return { conflicts: await this.identities.conflicts(params.limit ?? 100) };
  }
}
