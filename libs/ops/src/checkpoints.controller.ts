import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiResource } from '@cx/access';
import { ApiError } from '@cx/http';
import { MerkleLog } from '@cx/merkle-log';
import { CheckpointListDto } from './ops.answers';
import { CheckpointListParams } from './ops.params';

/** SPEC §4.2: the signed checkpoints of the Merkle log, newest first, and the tree's head now. */
@ApiResource('v1/ops/checkpoints', 'ops', 'ops')
export class CheckpointsController {
  constructor(private readonly log: MerkleLog) {}

  @ApiOperation({ summary: 'The signed checkpoints of the Merkle log, newest first, and the tree’s head now (SPEC §4.2)' })
  @ApiOkResponse({ type: CheckpointListDto })
  @Get()
  async list(@Query() params: CheckpointListParams) {
    const page = params.limit ?? 100;
    const checkpoints = await this.log.store.checkpoints(page + 1, params.cursor === undefined ? undefined : cursorSize(params.cursor));
    const head = await this.log.head();
    const shown = checkpoints.slice(0, page);
    return {
      tree: { size: head.size, rootHash: head.rootHash.toString('hex') },
      checkpoints: shown,
      nextCursor: checkpoints.length > page ? Buffer.from(String(shown[shown.length - 1].size)).toString('base64url') : null,
    };
  }
}

function cursorSize(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const size = Number(text);
  if (!/^\d{1,15}$/.test(text) || Buffer.from(text).toString('base64url') !== cursor)
    throw new ApiError(400, 'invalid_parameter', 'cursor is not one this API gave out');
  return size;
}
