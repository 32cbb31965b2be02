import type { FieldProblem } from './event-error';

/** Objects and arrays nest at most this deep in an event (the envelope is level 1, `data` level 2). */
export const MAX_EVENT_DEPTH = 32;

/** Any NUL or surrogate code unit: most strings have neither, so one test clears them. */
const SUSPECT = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What no event may hold, whatever its type, because a store, a view or the code that
 * walks the event could not keep it faithfully (decisions in docs/event-validation.md):
 * nesting deeper than MAX_EVENT_DEPTH, a `__proto__` key, a NUL character or an unpaired
 * UTF-16 surrogate in any key or string. Answers the first such place, or undefined.
 * Recursion is bounded by the depth check, so a hostile nesting cannot overflow the stack.
 * The path is put together on the way back from a problem: a sound event builds none.
 */
export function shapeProblem(value: unknown): FieldProblem | undefined {
  const problem = problemIn(value, 0);
  // Joined as the path was always joined, an empty key included: each key after a non-empty path, with a dot.
  return problem && { path: problem.keys.reduceRight((path, key) => (path ? `${path}.${key}` : key), ''), message: problem.message };
}

/** The first problem in `value`, with the keys that lead to it, innermost first. */
function problemIn(value: unknown, depth: number): { keys: string[]; message: string } | undefined {
  if (typeof value === 'string') return found(stringProblem(value));
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_EVENT_DEPTH) return found(`objects and arrays nest at most ${MAX_EVENT_DEPTH} levels deep in an event`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = problemIn(value[i], depth + 1);
      if (problem) return inside(String(i), problem);
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const problem =
      key === '__proto__'
        ? found('a key named __proto__ is not allowed')
        : (found(stringProblem(key, 'key')) ?? problemIn((value as Record<string, unknown>)[key], depth + 1));
    if (problem) return inside(key, problem);
  }
  return undefined;
}

function stringProblem(text: string, what = 'text'): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes('\u0000')) return `the ${what} holds a NUL character (U+0000), which is not allowed`;
  if (LONE_SURROGATE.test(text)) return `the ${what} is not valid Unicode: it holds an unpaired UTF-16 surrogate`;
  return undefined;
}

const found = (message: string | undefined) => (message === undefined ? undefined : { keys: [], message });

const inside = (key: string, problem: { keys: string[]; message: string }) => {
  problem.keys.push(key);
  return problem;
};
