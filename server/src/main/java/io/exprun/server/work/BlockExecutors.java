package io.exprun.server.work;

import io.exprun.server.config.ServerConfig;
import java.util.ServiceLoader;

/**
 * Which {@link BlockExecutor} a server runs: the class named by {@code EXPRUN_EXECUTOR}, found among the
 * {@link ServiceLoader} providers on the classpath or else by its class name (public no-argument constructor), or
 * the {@link SimulatedBlockExecutor} when none is named. Naming it, rather than taking whichever provider is on the
 * classpath, keeps a stray jar from silently replacing the executor.
 */
public final class BlockExecutors {

    private BlockExecutors() {}

    /** @throws IllegalArgumentException naming EXPRUN_EXECUTOR and what is wrong with it */
    public static BlockExecutor forConfig(ServerConfig config) {
        String name = config.executor();
        if (name == null || name.isBlank() || name.equals(SimulatedBlockExecutor.class.getName())) {
            return new SimulatedBlockExecutor(config.simDocMillis(), config.simFailureRate());
        }
        for (ServiceLoader.Provider<BlockExecutor> p :
                ServiceLoader.load(BlockExecutor.class).stream().toList()) {
            if (p.type().getName().equals(name)) {
                return p.get();
            }
        }
        try {
            Class<?> type = Class.forName(name);
            if (!BlockExecutor.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(
                        "EXPRUN_EXECUTOR=" + name + " does not implement " + BlockExecutor.class.getName());
            }
            return (BlockExecutor) type.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("EXPRUN_EXECUTOR=" + name + " is not on the classpath", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                    "EXPRUN_EXECUTOR=" + name + " cannot be created: it needs a public no-argument constructor", e);
        }
    }
}
