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
 */
export function shapeProblem(value: unknown, path = '', depth = 0): FieldProblem | undefined {
  if (typeof value === 'string') return stringProblem(value, path);
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_EVENT_DEPTH) return { path, message: `objects and arrays nest at most ${MAX_EVENT_DEPTH} levels deep in an event` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = shapeProblem(value[i], join(path, String(i)), depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = join(path, key);
    if (key === '__proto__') return { path: at, message: 'a key named __proto__ is not allowed' };
    const problem = stringProblem(key, at, 'key') ?? shapeProblem((value as Record<string, unknown>)[key], at, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function stringProblem(text: string, path: string, what = 'text'): FieldProblem | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes('\u0000')) return { path, message: `the ${what} holds a NUL character (U+0000), which is not allowed` };
  if (LONE_SURROGATE.test(text)) return { path, message: `the ${what} is not valid Unicode: it holds an unpaired UTF-16 surrogate` };
  return undefined;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
