package io.exprun.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.ExperimentCatalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Reads the experiments catalog (JSON) from a file, or the bundled demo catalog when none is given. */
public final class CatalogLoader {

    public static final String DEMO_CATALOG = "/catalog/demo-catalog.json";
    private static final Set<String> BLOCK_TYPES = Set.of("extract", "classifier", "split", "for_each");
    private static final Set<Integer> CONSENSUS = Set.of(3, 5, 7);

    private CatalogLoader() {
    }

    public static ExperimentCatalog load(Path file, ObjectMapper json) {
        try (InputStream in = file != null ? Files.newInputStream(file)
                : CatalogLoader.class.getResourceAsStream(DEMO_CATALOG)) {
            if (in == null) {
                throw new IllegalStateException("demo catalog missing from the classpath");
            }
            CatalogFile parsed = json.readValue(in, CatalogFile.class);
            return new ExperimentCatalog(parsed.experiments().stream().map(CatalogLoader::toExperiment).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read experiments catalog " + (file != null ? file : DEMO_CATALOG), e);
        }
    }

    private static Experiment toExperiment(ExperimentEntry e) {
        if (!BLOCK_TYPES.contains(e.blockType())) {
            throw new IllegalArgumentException("experiment " + e.id() + ": block_type must be one of " + BLOCK_TYPES);
        }
        if (!CONSENSUS.contains(e.nConsensus())) {
            throw new IllegalArgumentException("experiment " + e.id() + ": n_consensus must be 3, 5 or 7");
        }
        return new Experiment(e.id(), e.workflowId(), e.workflowVersionId(), e.blockId(), e.blockName(), e.blockType(),
                e.nConsensus(), e.documents().stream()
                .map(d -> new Experiment.Document(d.id(), d.filename(), d.mimeType())).toList());
    }

    record CatalogFile(@JsonProperty("experiments") List<ExperimentEntry> experiments) {
    }

    record ExperimentEntry(
            @JsonProperty("id") String id,
            @JsonProperty("workflow_id") String workflowId,
            @JsonProperty("workflow_version_id") String workflowVersionId,
            @JsonProperty("block_id") String blockId,
            @JsonProperty("block_name") String blockName,
            @JsonProperty("block_type") String blockType,
            @JsonProperty("n_consensus") int nConsensus,
            @JsonProperty("documents") List<DocumentEntry> documents) {
    }

    record DocumentEntry(
            @JsonProperty("id") String id,
            @JsonProperty("filename") String filename,
            @JsonProperty("mime_type") String mimeType) {
    }
}
