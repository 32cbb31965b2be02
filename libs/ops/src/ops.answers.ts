import { ApiPropertyOptional } from '@nestjs/swagger';
import { Bool, Int, ListOf, Nested, NullableText, NullableTime, OneOf, Text, Time } from '@cx/http';

/** The answers of the ops routes (SPEC §3, §4), as the OpenAPI document gives them. */

export class SignedCheckpointDto {
  @Int({ description: 'events the checkpoint covers: positions 1 to size' }) size!: number;
  @Text({ description: 'Merkle tree head of those events, hex' }) rootHash!: string;
  @Time({ description: 'when it was signed' }) time!: string;
  @Text({ description: 'first 16 hex digits of SHA-256 of the public key' }) keyId!: string;
  @Text({ description: 'Ed25519 signature, base64 (docs/tamper-evidence.md)' }) signature!: string;
}

export class AuditInclusionDto {
  @Int() leafIndex!: number;
  @Int() treeSize!: number;
  @Text({ description: 'the leaf input: SHA-256(0x00 || its UTF-8 bytes) is the leaf hash' }) leafInput!: string;
  @ListOf(String, { description: 'RFC 9162 inclusion path, bottom up, hex' }) path!: string[];
}

export class AuditEntryDto {
  @Int() position!: number;
  @Text() streamId!: string;
  @Int() revision!: number;
  @Time() recordedAt!: string;
  @Time() time!: string;
  @Text() source!: string;
  @Text() id!: string;
  @Text() type!: string;
  @Text({ description: 'SHA-256 over the content and the previous hash, hex' }) hash!: string;
  @NullableText() previousHash!: string | null;
  @Text({ description: 'SHA-256 of the canonical CloudEvent as sent' }) contentHash!: string;
  @Bool({ description: 'the hash matches the content and links to the event before it' }) chainChecks!: boolean;
  @Nested(AuditInclusionDto, {
    optional: true,
    nullable: true,
    description: 'with proof=true: null for an event the checkpoint does not cover yet',
  })
  inclusion?: AuditInclusionDto | null;
}

export class CustomerAuditDto {
  @Text() customerId!: string;
  @NullableTime() knownAt!: string | null;
  @Bool() chainIntact!: boolean;
  @Nested(SignedCheckpointDto, { optional: true, nullable: true, description: 'with proof=true: the checkpoint the proofs are against' })
  checkpoint?: SignedCheckpointDto | null;
  @ListOf(AuditEntryDto, { description: 'in append order, merged anonymous histories included' }) events!: AuditEntryDto[];
}

const STATES = ['catching_up', 'live', 'failing', 'stopped', 'idle'];

export class RebuildStatusDto {
  @Int() generation!: number;
  @Int() checkpoint!: number;
  @Int() lag!: number;
  @OneOf(STATES, 'ProjectionState') state!: string;
  @ApiPropertyOptional() error?: string;
}

export class PartitionCheckpointDto {
  @Text() topic!: string;
  @Int() partition!: number;
  @Int() nextOffset!: number;
  @Int() position!: number;
}

export class ProjectionStatusDto {
  @Text() name!: string;
  @Int() version!: number;
  @Int({ description: 'the live generation' }) generation!: number;
  @Int({ description: 'last position the live generation applied' }) checkpoint!: number;
  @Int({ description: 'events appended but not applied yet' }) lag!: number;
  @OneOf(STATES, 'ProjectionState') state!: string;
  @ApiPropertyOptional({ description: 'why it is failing' }) error?: string;
  @Nested(RebuildStatusDto, { nullable: true, description: 'a generation being rebuilt beside the live one' })
  rebuilding!: RebuildStatusDto | null;
  @ListOf(PartitionCheckpointDto, { optional: true, description: 'when partitioned projectors feed it from cx.events' })
  partitions?: PartitionCheckpointDto[];
}

export class ProjectionListDto {
  @ListOf(ProjectionStatusDto) projections!: ProjectionStatusDto[];
}

export class RebuildStartedDto {
  @Text() projection!: string;
  @Int({ description: 'the generation being built' }) generation!: number;
  @OneOf(['rebuilding'], 'RebuildStatus') status!: string;
}

export class ForgettingDto {
  @Text() customerId!: string;
  @ListOf(String, { description: 'the customer’s stream and those of anonymous customers merged into it' }) streams!: string[];
  @Int({ description: 'customer keys deleted (0 when forgotten before)' }) keysDestroyed!: number;
  @Int({ description: 'position of the cx.customer.forgotten.v1 event' }) position!: number;
}

export class IdentityConflictDto {
  @Text({ description: 'the keyed hash of the identifier (never the identifier itself)' }) key!: string;
  @Text({ description: 'the customer it stays linked to' }) linkedTo!: string;
  @Text({ description: 'the customer an event claimed it for' }) claimedBy!: string;
  @Text() eventSource!: string;
  @Text() eventId!: string;
  @Time() recordedAt!: string;
}

export class IdentityConflictListDto {
  @ListOf(IdentityConflictDto) conflicts!: IdentityConflictDto[];
}

export class MerkleTreeHeadDto {
  @Int() size!: number;
  @Text({ description: 'hex' }) rootHash!: string;
}

export class CheckpointListDto {
  @Nested(MerkleTreeHeadDto, { description: 'the tree’s head now' }) tree!: MerkleTreeHeadDto;
  @ListOf(SignedCheckpointDto, { description: 'newest first' }) checkpoints!: SignedCheckpointDto[];
  @NullableText({ description: 'pass as `cursor` for older ones; null on the last page' }) nextCursor!: string | null;
}
