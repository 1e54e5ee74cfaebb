package io.exprun.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.client.generated.model.WorkflowExperimentResultLifecycle;
import io.exprun.client.generated.model.WorkflowExperimentRunLifecycle;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Lets a response from a newer server decode: a lifecycle whose {@code status} this client does not know becomes an
 * explicit {@link RunLifecycle.Unknown} (keeping the raw JSON) instead of failing the whole response. Known statuses
 * still go through the generated deserializer, which follows the spec's discriminator mapping. A lifecycle with no
 * status at all is a protocol error and fails clearly.
 *
 * <p>Installed as Jackson mix-ins on the generated ApiClient's ObjectMapper, so generated code stays untouched.
 * (Unknown values of plain enums, such as a new {@code block_type}, are handled by the generator option
 * {@code enumUnknownDefaultCase}.)
 */
final class ForwardCompatibility {

    /** The statuses this client version was generated with: the spec's LifecycleStatus values. */
    private static final Set<String> KNOWN = Arrays.stream(LifecycleStatus.values())
            .filter(s -> s != LifecycleStatus.UNKNOWN_DEFAULT_OPEN_API)
            .map(LifecycleStatus::getValue)
            .collect(Collectors.toUnmodifiableSet());

    private ForwardCompatibility() {}

    static ObjectMapper install(ObjectMapper mapper) {
        mapper.addMixIn(WorkflowExperimentRunLifecycle.class, RunLifecycleMixin.class);
        mapper.addMixIn(WorkflowExperimentResultLifecycle.class, ResultLifecycleMixin.class);
        return mapper;
    }

    @JsonDeserialize(using = RunLifecycleDeserializer.class)
    private abstract static class RunLifecycleMixin {}

    @JsonDeserialize(using = ResultLifecycleDeserializer.class)
    private abstract static class ResultLifecycleMixin {}

    /** The generated run union, holding a status this client does not know. */
    static final class UnknownRunLifecycle extends WorkflowExperimentRunLifecycle {
        private final RunLifecycle.Unknown unknown;

        UnknownRunLifecycle(RunLifecycle.Unknown unknown) {
            this.unknown = unknown;
        }

        @Override
        public Object getActualInstance() {
            return unknown;
        }
    }

    /** The generated result union, holding a status this client does not know. */
    static final class UnknownResultLifecycle extends WorkflowExperimentResultLifecycle {
        private final RunLifecycle.Unknown unknown;

        UnknownResultLifecycle(RunLifecycle.Unknown unknown) {
            this.unknown = unknown;
        }

        @Override
        public Object getActualInstance() {
            return unknown;
        }
    }

    /** Known statuses go to the generated deserializer (the spec's mapping); others become an Unknown holder. */
    private abstract static class UnionDeserializer<U> extends JsonDeserializer<U> {
        private final JsonDeserializer<U> generated;

        UnionDeserializer(JsonDeserializer<U> generated) {
            this.generated = generated;
        }

        abstract U unknown(RunLifecycle.Unknown lifecycle);

        @Override
        public U deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = ctxt.readTree(p);
            String status = statusOf(tree, p);
            if (!KNOWN.contains(status)) {
                return unknown(new RunLifecycle.Unknown(status, tree));
            }
            JsonParser replay = tree.traverse(p.getCodec());
            replay.nextToken();
            return generated.deserialize(replay, ctxt);
        }
    }

    static final class RunLifecycleDeserializer extends UnionDeserializer<WorkflowExperimentRunLifecycle> {
        RunLifecycleDeserializer() {
            super(new WorkflowExperimentRunLifecycle.WorkflowExperimentRunLifecycleDeserializer());
        }

        @Override
        WorkflowExperimentRunLifecycle unknown(RunLifecycle.Unknown lifecycle) {
            return new UnknownRunLifecycle(lifecycle);
        }
    }

    static final class ResultLifecycleDeserializer extends UnionDeserializer<WorkflowExperimentResultLifecycle> {
        ResultLifecycleDeserializer() {
            super(new WorkflowExperimentResultLifecycle.WorkflowExperimentResultLifecycleDeserializer());
        }

        @Override
        WorkflowExperimentResultLifecycle unknown(RunLifecycle.Unknown lifecycle) {
            return new UnknownResultLifecycle(lifecycle);
        }
    }

    private static String statusOf(JsonNode tree, JsonParser p) throws IOException {
        JsonNode status = tree == null ? null : tree.get("status");
        if (status == null || !status.isTextual()) {
            throw MismatchedInputException.from(
                    p,
                    WorkflowExperimentRunLifecycle.class,
                    "lifecycle has no string \"status\" (the discriminator the contract requires): " + tree);
        }
        return status.asText();
    }
}
