/** The names under which a projection locks what it rewrites (see `ProjectionContext.lock`). */
export const customerKey = (id: string): string => `customer:${id}`;
export const caseKey = (id: string): string => `case:${id}`;
export const orderKey = (id: string): string => `order:${id}`;
