/**
 * LRUCache options that bound a cache to `entries` entries without allocating them all at creation: given
 * `max`, lru-cache allocates and fills its arrays for every entry up front (8.8 MB of the idle process for the
 * Slack replay guard's 200,000). Each entry counted as size 1 against `maxSize` keeps the same bound, with
 * storage that grows as entries come.
 */
export const upTo = (entries: number) => ({ maxSize: entries, sizeCalculation: () => 1 });
