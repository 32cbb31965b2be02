import { Controller, Get, Inject, Query } from '@nestjs/common';
import { RequireRole } from '@cx/access';
import { IDENTITY_DIRECTORY, IdentityDirectory } from '@cx/identity';
import { ConflictListParams } from './ops.params';

/** SPEC §1.2 step 4: identifiers a named customer claimed that stay with another named customer. */
@Controller('v1/ops/identity-conflicts')
@RequireRole('ops')
export class IdentityConflictsController {
  constructor(@Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory) {}

  @Get()
  async list(@Query() params: ConflictListParams) {
    return { conflicts: await this.identities.conflicts(params.limit ?? 100) };
  }
}
