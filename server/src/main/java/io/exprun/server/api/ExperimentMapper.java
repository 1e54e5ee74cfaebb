package io.exprun.server.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.ExperimentChanges;
import io.exprun.server.domain.NewExperiment;
import io.exprun.server.domain.Page;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.error.ValidationProblem;
import io.exprun.server.generated.model.BlockType;
import io.exprun.server.generated.model.CreateExperimentRequest;
import io.exprun.server.generated.model.ExperimentDocumentCapture;
import io.exprun.server.generated.model.ExplicitExperimentDocument;
import io.exprun.server.generated.model.HandleDocument;
import io.exprun.server.generated.model.HandlePayload;
import io.exprun.server.generated.model.ListMetadata;
import io.exprun.server.generated.model.UpdateExperimentRequest;
import io.exprun.server.generated.model.ValidationError;
import io.exprun.server.generated.model.WorkflowExperiment;
import io.exprun.server.generated.model.WorkflowExperimentList;
import io.exprun.server.store.StoredForms;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Experiments between the wire and the domain. An explicit document is known by the file among its handle inputs
 * (the one payload of {@code type: file}, with its document): that file is what a run's result processes. The
 * documents are shown back in the form they were given, or, when they have none (catalog copies, documents captured
 * from runs), as one file handle input each.
 */
final class ExperimentMapper {

    private static final TypeReference<List<ExplicitExperimentDocument>> DOCUMENTS = new TypeReference<>() {};

    private final StoredForms forms;

    ExperimentMapper(StoredForms forms) {
        this.forms = forms;
    }

    WorkflowExperiment experiment(Experiment e) {
        return new WorkflowExperiment()
                .id(e.id())
                .workflowId(e.workflowId())
                .blockId(e.blockId())
                .blockType(BlockType.fromValue(e.blockType()))
                .nConsensus(e.nConsensus())
                .name(e.name())
                .documentCount(e.documents().size())
                .documents(e.documentsAsGiven() != null ? given(e.documentsAsGiven()) : asFiles(e.documents()))
                .lastRunId(e.lastRunId())
                .createdAt(e.createdAt().atOffset(ZoneOffset.UTC))
                .updatedAt(e.updatedAt().atOffset(ZoneOffset.UTC));
    }

    WorkflowExperimentList list(Page<Experiment> page) {
        return new WorkflowExperimentList()
                .data(page.items().stream().map(this::experiment).toList())
                .listMetadata(new ListMetadata().before(page.before()).after(page.after()));
    }

    NewExperiment newExperiment(CreateExperimentRequest r) {
        return new NewExperiment(
                r.getWorkflowId(),
                r.getBlockId(),
                r.getBlockType() == null ? null : r.getBlockType().toString(),
                r.getnConsensus() == null ? null : r.getnConsensus().value(),
                r.getName(),
                documents(r.getDocuments()),
                captured(r.getDocumentCaptures()),
                r.getSourceExperimentId());
    }

    ExperimentChanges changes(UpdateExperimentRequest r) {
        return new ExperimentChanges(
                r.getName(),
                documents(r.getDocuments()),
                captured(r.getDocumentCaptures()),
                r.getnConsensus() == null ? null : r.getnConsensus().value());
    }

    /** The documents as given, each known by its file; a document without a file is a 422 naming it. */
    private Experiment.Documents documents(List<ExplicitExperimentDocument> given) {
        if (given == null) {
            return null;
        }
        List<Experiment.Document> documents = new ArrayList<>(given.size());
        List<ValidationError> errors = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            HandleDocument file = fileOf(given.get(i));
            if (file == null) {
                errors.add(ErrorResponses.error(
                        List.of("body", "documents", i, "handle_inputs"),
                        "a document needs one handle input of type file with its document",
                        "value_error",
                        null));
            } else {
                documents.add(new Experiment.Document(file.getId(), file.getFilename(), file.getMimeType()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationProblem(errors);
        }
        return new Experiment.Documents(documents, forms.write(given));
    }

    private static HandleDocument fileOf(ExplicitExperimentDocument d) {
        return d.getHandleInputs().values().stream()
                .filter(p -> p != null && p.getType() == HandlePayload.TypeEnum.FILE && p.getDocument() != null)
                .map(HandlePayload::getDocument)
                .findFirst()
                .orElse(null);
    }

    private static List<String> captured(List<ExperimentDocumentCapture> captures) {
        return captures == null
                ? null
                : captures.stream().map(ExperimentDocumentCapture::getRunId).toList();
    }

    private List<ExplicitExperimentDocument> given(String asGiven) {
        return forms.read(asGiven, DOCUMENTS);
    }

    private static List<ExplicitExperimentDocument> asFiles(List<Experiment.Document> documents) {
        return documents.stream()
                .map(d -> new ExplicitExperimentDocument()
                        .handleInputs(Map.of(
                                "document",
                                new HandlePayload()
                                        .type(HandlePayload.TypeEnum.FILE)
                                        .document(new HandleDocument()
                                                .id(d.id())
                                                .filename(d.filename())
                                                .mimeType(d.mimeType())))))
                .toList();
    }
}
