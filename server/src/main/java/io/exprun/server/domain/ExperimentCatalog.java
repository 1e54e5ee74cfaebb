package io.exprun.server.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The start-up catalog of experiments, by id: seed data each tenant is given once (the demo). */
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

    /** Every experiment of the catalog, in its order: what each tenant is given at start-up. */
    public List<Experiment> all() {
        return List.copyOf(byId.values());
    }
}
