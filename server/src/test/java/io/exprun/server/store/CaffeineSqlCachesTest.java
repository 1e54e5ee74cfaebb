package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.cache.JdbiCache;
import org.jdbi.v3.core.cache.JdbiCacheBuilder;
import org.jdbi.v3.core.cache.JdbiCacheLoader;
import org.junit.jupiter.api.Test;

/**
 * Jdbi's statement caches as {@link SqlRunner} configures them: what was parsed is kept, what parses to nothing (a
 * statement's template with templates off) is not, and no lookup waits for another thread's parse: with templates off
 * every statement's template lookup misses, so a cache that parses under a lock would serialize every statement.
 */
class CaffeineSqlCachesTest {

    @Test
    void a_parsed_statement_is_kept_and_parsed_once() {
        JdbiCache<String, String> cache = new CaffeineSqlCaches().build();
        AtomicInteger parses = new AtomicInteger();

        String first = cache.getWithLoader("SELECT 1", sql -> "parsed " + sql + " #" + parses.incrementAndGet());
        String second = cache.getWithLoader("SELECT 1", sql -> "parsed " + sql + " #" + parses.incrementAndGet());

        assertThat(first).isEqualTo("parsed SELECT 1 #1");
        assertThat(second).isSameAs(first);
        assertThat(parses).hasValue(1);
    }

    @Test
    void a_cache_built_with_a_loader_loads_on_get() {
        AtomicInteger parses = new AtomicInteger();
        JdbiCache<String, Integer> cache = new CaffeineSqlCaches().buildWithLoader(sql -> parses.incrementAndGet());

        assertThat(cache.get("SELECT 1")).isEqualTo(1);
        assertThat(cache.get("SELECT 1")).isEqualTo(1);
        assertThat(cache.get("SELECT 2")).isEqualTo(2);
    }

    @Test
    void what_parses_to_nothing_is_not_kept() {
        JdbiCache<String, String> cache = new CaffeineSqlCaches().build();
        AtomicInteger parses = new AtomicInteger();

        cache.getWithLoader("SELECT 1", sql -> {
            parses.incrementAndGet();
            return null;
        });
        cache.getWithLoader("SELECT 1", sql -> {
            parses.incrementAndGet();
            return null;
        });

        assertThat(parses).hasValue(2);
        assertThat(cache.get("SELECT 1")).isNull();
    }

    @Test
    void a_lookup_does_not_wait_for_another_threads_parse_of_the_same_statement() throws Exception {
        try (Slow parse = new Slow(new CaffeineSqlCaches())) {
            assertThat(parse.secondLookup)
                    .succeedsWithin(Duration.ofSeconds(30))
                    .isNull();
            assertThat(parse.firstLookup).isNotDone();
        }
    }

    @Test
    void negative_control_a_cache_that_parses_under_the_statements_lock_makes_the_second_lookup_wait()
            throws Exception {
        try (Slow parse = new Slow(new ParsingUnderLock())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> parse.secondThread.get() != null
                            && EnumSet.of(Thread.State.BLOCKED, Thread.State.WAITING)
                                    .contains(parse.secondThread.get().getState()));
            assertThat(parse.secondLookup).isNotDone();
            parse.release.countDown();
            assertThat(parse.secondLookup).succeedsWithin(Duration.ofSeconds(30));
        }
    }

    /** Caffeine's own compute-if-absent: the second lookup of a statement waits until the first has parsed it. */
    private static final class ParsingUnderLock implements JdbiCacheBuilder {
        @Override
        public <K, V> JdbiCache<K, V> build() {
            Cache<K, V> cache = Caffeine.newBuilder().maximumSize(10).build();
            return new JdbiCache<>() {
                @Override
                public V get(K key) {
                    return cache.getIfPresent(key);
                }

                @Override
                public V getWithLoader(K key, JdbiCacheLoader<K, V> loader) {
                    return cache.get(key, loader::create);
                }

                @Override
                public <T> T getStats() {
                    return null;
                }
            };
        }

        @Override
        public <K, V> JdbiCache<K, V> buildWithLoader(JdbiCacheLoader<K, V> loader) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JdbiCacheBuilder maxSize(int maxSize) {
            return this;
        }
    }

    /**
     * One thread parses a statement slowly (until {@link #release}, to nothing, as a template with templates off);
     * once it is parsing, a second thread looks the same statement up.
     */
    private static final class Slow implements AutoCloseable {
        final CountDownLatch parsing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Thread> secondThread = new AtomicReference<>();
        final CompletableFuture<String> firstLookup;
        final CompletableFuture<String> secondLookup;
        /** Threads of their own: the common pool may have only one, which the slow parse holds. */
        private final ExecutorService threads = Executors.newCachedThreadPool();

        Slow(JdbiCacheBuilder builder) throws InterruptedException {
            JdbiCache<String, String> cache = builder.build();
            firstLookup = CompletableFuture.supplyAsync(
                    () -> cache.getWithLoader("SELECT 1", sql -> {
                        parsing.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    }),
                    threads);
            parsing.await();
            secondLookup = CompletableFuture.supplyAsync(
                    () -> {
                        secondThread.set(Thread.currentThread());
                        return cache.getWithLoader("SELECT 1", sql -> null);
                    },
                    threads);
        }

        @Override
        public void close() {
            release.countDown();
            threads.shutdown();
        }
    }
}
