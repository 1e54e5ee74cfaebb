package io.exprun.server.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The experiments runs can be created for, by id. Loaded once at start-up. */
public final class ExperimentCatalog {

    private final Map<String, Experiment> byId = new LinkedHashMap<>();

    public ExperimentCatalog(List<Experiment> experiments) {
        for (Experiment e : experiments) {
            if (byId.put(e.id(), e) != null) {
                throw new IllegalArgumentException("duplicate experiment id in catalog: " + e.id());
            }
            if (e.documents().isEmpty()) {
                throw new IllegalArgumentException("experiment " + e.id() + " has no documents");
            }
        }
    }

    public Optional<Experiment> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
