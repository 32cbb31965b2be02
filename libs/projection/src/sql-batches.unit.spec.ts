import { insertChunks } from './sql-batches';

describe('insertChunks', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('keeps every row once, in order', () => {
    for (const n of [0, 1, 499, 500, 501, 1337]) expect(insertChunks(rows(n)).flat()).toEqual(rows(n));
  });

  it('cuts chunks of 500 rows, then the rest in power-of-two parts', () => {
    expect(insertChunks(rows(1337)).map((chunk) => chunk.length)).toEqual([500, 500, 256, 64, 16, 1]);
    expect(insertChunks(rows(7)).map((chunk) => chunk.length)).toEqual([4, 2, 1]);
  });
});
