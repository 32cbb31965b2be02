import { customerChunks } from './customer-chunks';

describe('customerChunks', () => {
  const customers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

  it('cuts at the size when no merge joins anyone', () => {
    expect(customerChunks(customers, [], 3)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });

  it('keeps each merge group whole, chained merges included, every customer once', () => {
    const chunks = customerChunks(
      customers,
      [
        ['a', 'f'],
        ['f', 'g'],
        ['c', 'd'],
      ],
      3,
    );
    expect(chunks.flat().sort()).toEqual(customers);
    const chunkOf = (id: string) => chunks.findIndex((chunk) => chunk.includes(id));
    expect(chunkOf('a')).toBe(chunkOf('f'));
    expect(chunkOf('f')).toBe(chunkOf('g'));
    expect(chunkOf('c')).toBe(chunkOf('d'));
    // A group never shares a chunk beyond the size unless it alone is larger.
    expect(chunks.every((chunk) => chunk.length <= 3)).toBe(true);
  });

  it('gives a group larger than the size a chunk of its own', () => {
    expect(
      customerChunks(
        ['x', 'a', 'b', 'c', 'y'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'y'],
        ],
        2,
      ),
    ).toEqual([['x'], ['a', 'b', 'c', 'y']]);
  });
});
