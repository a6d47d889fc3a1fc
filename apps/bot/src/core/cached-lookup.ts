/**
 * A bounded least-recently-used cache over an async lookup. Lookups in flight are shared, so two
 * requests asking for the same key at once cost one call; a lookup that fails gives the fallback
 * and is not cached, so it is tried again next time.
 */
export class CachedLookup<V> {
  private readonly cache = new Map<string, Promise<V>>();

  constructor(
    private readonly lookup: (key: string) => Promise<V>,
    private readonly fallback: (key: string) => V,
    private readonly capacity = 5000,
  ) {}

  get(key: string): Promise<V> {
    let value = this.cache.get(key);
    if (value) {
      this.cache.delete(key);
    } else {
      value = this.lookup(key).catch(() => {
        this.cache.delete(key);
        return this.fallback(key);
      });
    }
    this.cache.set(key, value);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}
