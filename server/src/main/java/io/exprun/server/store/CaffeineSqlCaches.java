package io.exprun.server.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jdbi.v3.core.cache.JdbiCache;
import org.jdbi.v3.core.cache.JdbiCacheBuilder;
import org.jdbi.v3.core.cache.JdbiCacheLoader;

/**
 * Jdbi's statement caches (parsed SQL, parsed templates) on Caffeine, read without a lock. Every statement looks itself
 * up in both. Jdbi's built-in cache takes one lock per lookup to keep its LRU order, and with templates off (see
 * {@link SqlRunner}) the template lookup never finds anything to keep (the engine parses to nothing) and so took that
 * lock on every statement: 32 concurrent gets on two cores queued on it (JFR, docs/benchmarks-archive.md "The store on Jdbi").
 * Here a lookup that misses loads outside any lock, and keeps only what is not null; two threads missing the same
 * key both parse it, which is harmless. (Jdbi's own Caffeine plugin, {@code jdbi3-caffeine-cache}, is not published
 * for the Jdbi version in use.)
 */
final class CaffeineSqlCaches implements JdbiCacheBuilder {

    /** Distinct statement texts: the adapters' fixed SQL plus the list shapes (ListSql), far fewer than this. */
    private int maxSize = 1_000;

    @Override
    public <K, V> JdbiCache<K, V> build() {
        return buildWithLoader(null);
    }

    @Override
    public <K, V> JdbiCache<K, V> buildWithLoader(JdbiCacheLoader<K, V> loader) {
        Cache<K, V> cache = Caffeine.newBuilder().maximumSize(maxSize).build();
        return new JdbiCache<>() {
            @Override
            public V get(K key) {
                return loader == null ? cache.getIfPresent(key) : getWithLoader(key, loader);
            }

            @Override
            public V getWithLoader(K key, JdbiCacheLoader<K, V> load) {
                V value = cache.getIfPresent(key);
                if (value == null) {
                    value = load.create(key);
                    if (value != null) {
                        cache.put(key, value);
                    }
                }
                return value;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getStats() {
                return (T) cache.stats();
            }
        };
    }

    @Override
    public JdbiCacheBuilder maxSize(int maxSize) {
        this.maxSize = maxSize;
        return this;
    }
}
