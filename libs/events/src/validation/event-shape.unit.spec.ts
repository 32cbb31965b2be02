import { MAX_EVENT_DEPTH, shapeProblem } from './event-shape';

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { n: nested(depth - 1) });

describe('shapeProblem', () => {
  it('names the place of the first problem with its whole path', () => {
    expect(shapeProblem({ id: 'x', data: { a: [0, { b: 'x\u0000' }] } })).toEqual({
      path: 'data.a.1.b',
      message: 'the text holds a NUL character (U+0000), which is not allowed',
    });
    expect(shapeProblem(JSON.parse('{"data":{"ok":1,"__proto__":{}}}'))).toEqual({
      path: 'data.__proto__',
      message: 'a key named __proto__ is not allowed',
    });
    expect(shapeProblem({ data: { ['k\ud800']: 1 } })).toEqual({
      path: 'data.k\ud800',
      message: 'the key is not valid Unicode: it holds an unpaired UTF-16 surrogate',
    });
    expect(shapeProblem({ data: nested(MAX_EVENT_DEPTH) })?.path).toBe(`data${'.n'.repeat(MAX_EVENT_DEPTH - 1)}`);
  });

  it('joins empty keys as it always has: a dot after a non-empty path, nothing before the first', () => {
    expect(shapeProblem({ data: { a: [{ '': 'x\u0000' }] } })?.path).toBe('data.a.0.');
    expect(shapeProblem({ '': { x: 'x\u0000' } })?.path).toBe('x');
    expect(shapeProblem('x\u0000')?.path).toBe('');
  });

  it('finds nothing in a sound event', () => {
    expect(shapeProblem({ id: 'x', data: { a: [1, 'é', { b: null }], '': 'fine \ud83d\ude00' } })).toBeUndefined();
  });
});
