package io.exprun.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.ExperimentCatalog;
import io.exprun.server.generated.model.BlockType;
import io.exprun.server.generated.model.ExperimentRun.NConsensusEnum;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the experiments catalog (JSON) from a file, or the bundled demo catalog when none is given: start-up seed data,
 * copied into each tenant's experiments once (see {@code ExperimentStore.seed}). {@code name} is optional (default:
 * the block's name).
 */
public final class CatalogLoader {

    public static final String DEMO_CATALOG = "/catalog/demo-catalog.json";

    private CatalogLoader() {}

    public static ExperimentCatalog load(Path file, ObjectMapper json) {
        try (InputStream in =
                file != null ? Files.newInputStream(file) : CatalogLoader.class.getResourceAsStream(DEMO_CATALOG)) {
            if (in == null) {
                throw new IllegalStateException("demo catalog missing from the classpath");
            }
            CatalogFile parsed = json.readValue(in, CatalogFile.class);
            return new ExperimentCatalog(parsed.experiments().stream()
                    .map(CatalogLoader::toExperiment)
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read experiments catalog " + (file != null ? file : DEMO_CATALOG), e);
        }
    }

    private static Experiment toExperiment(ExperimentEntry e) {
        // the allowed values are the spec's (BlockType, ExperimentRun.n_consensus), through the generated enums
        if (Arrays.stream(BlockType.values()).noneMatch(t -> t.toString().equals(e.blockType()))) {
            throw new IllegalArgumentException(
                    "experiment " + e.id() + ": block_type must be one of " + Arrays.toString(BlockType.values()));
        }
        if (Arrays.stream(NConsensusEnum.values()).noneMatch(n -> n.value().equals(e.nConsensus()))) {
            throw new IllegalArgumentException("experiment " + e.id() + ": n_consensus must be one of "
                    + Arrays.stream(NConsensusEnum.values())
                            .map(NConsensusEnum::value)
                            .toList());
        }
        Instant loaded = Instant.now();
        return new Experiment(
                e.id(),
                e.workflowId(),
                e.workflowVersionId(),
                e.blockId(),
                e.blockName(),
                e.blockType(),
                e.nConsensus(),
                e.name() != null ? e.name() : e.blockName(),
                e.documents().stream()
                        .map(d -> new Experiment.Document(d.id(), d.filename(), d.mimeType()))
                        .toList(),
                null,
                loaded,
                loaded,
                null,
                io.exprun.server.domain.RowVersion.FIRST);
    }

    record CatalogFile(@JsonProperty("experiments") List<ExperimentEntry> experiments) {}

    record ExperimentEntry(
            @JsonProperty("id") String id,
            @JsonProperty("workflow_id") String workflowId,
            @JsonProperty("workflow_version_id") String workflowVersionId,
            @JsonProperty("block_id") String blockId,
            @JsonProperty("block_name") String blockName,
            @JsonProperty("block_type") String blockType,
            @JsonProperty("n_consensus") int nConsensus,
            @JsonProperty("name") String name,
            @JsonProperty("documents") List<DocumentEntry> documents) {}

    record DocumentEntry(
            @JsonProperty("id") String id,
            @JsonProperty("filename") String filename,
            @JsonProperty("mime_type") String mimeType) {}
}
