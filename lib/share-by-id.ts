/**
 * TanStack Query's structural sharing, with list items matched by their `id` instead of their
 * place: an answer keeps the objects of the last one wherever they are deep-equal, so a memoised row
 * whose item did not change is not drawn again. With matching by place (replaceEqualDeep, the
 * default), one new item at the top of a list (an audit event, a version, a call, a NONCE ticket)
 * or a row moving up (a credential that needs attention) made every item after it a new object,
 * and every row was drawn again in every open tab.
 *
 * Arrays whose items all carry a distinct string `id` are matched by it; any other array by place; plain
 * objects key by key; anything else is equal only when identical. The result has `next`'s shape
 * and order; it is `prev` itself when the two are deep-equal.
 */
export function shareById<T>(prev: unknown, next: T): T {
  if (prev === next) return prev as T;
  if (Array.isArray(prev) && Array.isArray(next)) {
    // Ids that repeat (in either list) say nothing safe about which item is which: by place then.
    const byId = hasUniqueIds(prev) && hasUniqueIds(next) ? new Map(prev.map((item) => [item.id, item])) : null;
    let same = prev.length === next.length;
    const out = next.map((item: unknown, i) => {
      const shared = shareById(byId ? byId.get((item as WithId).id) : prev[i], item);
      if (shared !== prev[i]) same = false;
      return shared;
    });
    return (same ? prev : out) as T;
  }
  if (isPlain(prev) && isPlain(next)) {
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(prev).length;
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const shared = shareById(prev[k], next[k]);
      out[k] = shared;
      if (shared !== prev[k] || !Object.hasOwn(prev, k)) same = false;
    }
    return (same ? prev : out) as T;
  }
  return next;
}

type WithId = { id: string };

const hasUniqueIds = (items: unknown[]): items is WithId[] =>
  items.length > 0 &&
  items.every((x) => typeof x === "object" && x !== null && typeof (x as { id?: unknown }).id === "string") &&
  new Set(items.map((x) => (x as WithId).id)).size === items.length;

const isPlain = (o: unknown): o is Record<string, unknown> => {
  if (typeof o !== "object" || o === null) return false;
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
};
