import { foldKeyEvents, KEY_CLAIMED, KEY_RELEASED, KEY_STORED } from './eventstoredb-keys';

const claim = { contentHash: 'h1', customerId: 'c-1', streamId: 'c-1' };

describe('key ledger of EventStoreDB (who holds a (source, id))', () => {
  it('is free, to be claimed with no_stream, while nothing was written', () => {
    expect(foldKeyEvents([])).toEqual({ kind: 'free', revision: 'no_stream' });
  });

  it('is claimed by its first claim until a stored record says where the event is', () => {
    expect(foldKeyEvents([{ type: KEY_CLAIMED, data: claim, revision: 0n, created: 1000 }])).toEqual({
      kind: 'claimed',
      claim,
      revision: 0n,
      claimedAt: 1000,
    });
    expect(
      foldKeyEvents([
        { type: KEY_CLAIMED, data: claim, revision: 0n, created: 1000 },
        { type: KEY_STORED, data: { position: 4242 }, revision: 1n, created: 1001 },
      ]),
    ).toEqual({ kind: 'stored', claim, position: 4242, revision: 1n });
  });

  it('is free again after a release, to be claimed expecting the release revision', () => {
    const other = { ...claim, contentHash: 'h2' };
    expect(
      foldKeyEvents([
        { type: KEY_CLAIMED, data: claim, revision: 0n, created: 1000 },
        { type: KEY_RELEASED, data: {}, revision: 1n, created: 1001 },
      ]),
    ).toEqual({ kind: 'free', revision: 1n });
    expect(
      foldKeyEvents([
        { type: KEY_CLAIMED, data: claim, revision: 0n, created: 1000 },
        { type: KEY_RELEASED, data: {}, revision: 1n, created: 1001 },
        { type: KEY_CLAIMED, data: other, revision: 2n, created: 1002 },
      ]),
    ).toEqual({ kind: 'claimed', claim: other, revision: 2n, claimedAt: 1002 });
  });
});
