package io.exprun.server.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.exprun.server.domain.ChangedSinceRead;
import io.exprun.server.domain.ErrorCode;
import io.exprun.server.domain.ExperimentHasActiveRun;
import io.exprun.server.domain.ExperimentService;
import io.exprun.server.domain.IdempotencyKeyReusedException;
import io.exprun.server.domain.RefusedAsNotFound;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.error.ValidationProblem;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.store.StoreException;
import io.exprun.server.store.StoredForms;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.RedirectionException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.server.ParamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way a request can fail, mapped to the contract's shapes. No stack trace ever reaches a response; a client
 * mistake is never a 5xx.
 *
 * <p>Over 250 lines because every mapper is here, a few lines each: the failures' answers read side by side.
 */
public final class ExceptionMappers {

    private static final Logger log = LoggerFactory.getLogger(ExceptionMappers.class);

    private ExceptionMappers() {}

    public static List<Object> all() {
        return List.of(
                new NotFound(),
                new IdempotencyKeyReused(),
                new Validation(),
                new ActiveRun(),
                new Changed(),
                new DocumentsRefused(),
                new StoredFormTooLarge(),
                new Json(),
                new Web(),
                new StoreUnavailable(),
                new Unexpected());
    }

    /** The domain's refusals answered with 404 ("not there for you", "not cancellable"): the case in {@code detail.code}. */
    public static final class NotFound implements ExceptionMapper<RefusedAsNotFound> {
        @Override
        public Response toResponse(RefusedAsNotFound e) {
            return ErrorResponses.envelope(404, e.code(), e.getMessage(), e.details());
        }
    }

    /** An experiment whose run is still active cannot be deleted: 409, naming the run to cancel first. */
    public static final class ActiveRun implements ExceptionMapper<ExperimentHasActiveRun> {
        @Override
        public Response toResponse(ExperimentHasActiveRun e) {
            return ErrorResponses.envelope(409, e.code(), e.getMessage(), e.details());
        }
    }

    /** An experiment changed since the ETag its change was conditioned on ({@code If-Match}): 412, its ETag now. */
    public static final class Changed implements ExceptionMapper<ChangedSinceRead> {
        @Override
        public Response toResponse(ChangedSinceRead e) {
            return ErrorResponses.envelope(
                    412,
                    e.code(),
                    e.getMessage(),
                    Map.of(
                            "experiment_id",
                            e.current().id(),
                            "etag",
                            EntityTags.of(e.current()).toString()));
        }
    }

    /** Too many documents, or a run of an experiment without any: the caller's mistake, named at its field. */
    public static final class DocumentsRefused implements ExceptionMapper<ExperimentService.DocumentsRefused> {
        @Override
        public Response toResponse(ExperimentService.DocumentsRefused e) {
            return ErrorResponses.validation(
                    List.of(ErrorResponses.error(List.of("body", e.field()), e.getMessage(), "value_error", null)));
        }
    }

    /** A body whose stored form would be over the stored-form limit: refused before anything is stored. */
    public static final class StoredFormTooLarge implements ExceptionMapper<StoredForms.TooLarge> {
        @Override
        public Response toResponse(StoredForms.TooLarge e) {
            return ErrorResponses.validation(List.of(ErrorResponses.error(
                    List.of("body"), "Body cannot be stored: " + e.getMessage(), "too_long", null)));
        }
    }

    /** An Idempotency-Key reused for another body: the caller's mistake, named at the header. */
    public static final class IdempotencyKeyReused implements ExceptionMapper<IdempotencyKeyReusedException> {
        @Override
        public Response toResponse(IdempotencyKeyReusedException e) {
            return ErrorResponses.validation(List.of(ErrorResponses.error(
                    List.of("header", "Idempotency-Key"), e.getMessage(), "idempotency_key_reused", null)));
        }
    }

    public static final class Validation implements ExceptionMapper<ValidationProblem> {
        @Override
        public Response toResponse(ValidationProblem e) {
            return ErrorResponses.validation(e.errors());
        }
    }

    /** Malformed or mistyped JSON bodies: 422 like FastAPI, pointing at the offending field when Jackson knows it. */
    public static final class Json implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            if (e instanceof StreamConstraintsException || e.getCause() instanceof StreamConstraintsException) {
                return ErrorResponses.validation(List.of(ErrorResponses.error(
                        List.of("body"),
                        String.format(
                                java.util.Locale.ROOT,
                                "Body exceeds the limits (%,d bytes, %d levels of nesting)",
                                JsonMapper.MAX_BODY_BYTES,
                                JsonMapper.MAX_NESTING_DEPTH),
                        "too_long",
                        null)));
            }
            if (e instanceof JsonMappingException m
                    && !(e instanceof JsonParseException)
                    && !m.getPath().isEmpty()) {
                List<Object> loc = new ArrayList<>();
                loc.add("body");
                for (JsonMappingException.Reference ref : m.getPath()) {
                    loc.add(ref.getFieldName() != null ? ref.getFieldName() : ref.getIndex());
                }
                // the generated models mark required properties on their @JsonCreator: absent → Jackson's "Missing
                // required"
                boolean missing = e instanceof MismatchedInputException
                        && String.valueOf(e.getOriginalMessage()).startsWith("Missing required");
                Class<?> target = e instanceof ValueInstantiationException v
                        ? v.getType().getRawClass()
                        : e instanceof InvalidFormatException f ? f.getTargetType() : null;
                if (!missing && target != null && target.isEnum()) {
                    // a value the spec's enum does not list (the generated enum's creator refused it)
                    return ErrorResponses.validation(List.of(ErrorResponses.error(
                            loc,
                            "Input should be one of " + Arrays.toString(target.getEnumConstants()),
                            "enum",
                            e instanceof InvalidFormatException f ? f.getValue() : null)));
                }
                return ErrorResponses.validation(List.of(
                        missing
                                ? ErrorResponses.error(loc, "Field required", "missing", null)
                                : ErrorResponses.error(
                                        loc, "Input has the wrong type for this field", "type_error", null)));
            }
            long offset = e.getLocation() != null ? Math.max(0, e.getLocation().getCharOffset()) : 0;
            return ErrorResponses.validation(List.of(ErrorResponses.error(
                            List.of("body", offset), "JSON decode error", "json_invalid", null)
                    .ctx(Map.of(
                            "error",
                            e.getOriginalMessage() == null ? "invalid JSON" : truncate(e.getOriginalMessage())))));
        }
    }

    /** What Jersey itself rejects: unknown path, wrong method, unconvertible parameters, wrong content type. */
    public static final class Web implements ExceptionMapper<WebApplicationException> {

        @jakarta.ws.rs.core.Context
        private org.glassfish.jersey.server.ExtendedUriInfo uriInfo;

        private org.glassfish.jersey.server.model.ResourceMethod matchedMethod() {
            return uriInfo == null ? null : uriInfo.getMatchedResourceMethod();
        }

        @Override
        public Response toResponse(WebApplicationException e) {
            if (e.getResponse().hasEntity() || e instanceof RedirectionException) {
                // already in the contract's shape (e.g. a 401 with WWW-Authenticate), or a 304, which has no body
                return e.getResponse();
            }
            if (e instanceof ParamException p) {
                return ErrorResponses.validation(List.of(UnconvertibleParameter.describe(p, matchedMethod())));
            }
            if (e instanceof NotSupportedException) {
                return ErrorResponses.validation(List.of(ErrorResponses.error(
                        List.of("body"),
                        "Body must be JSON (Content-Type: application/json)",
                        "model_attributes_type",
                        null)));
            }
            if (e.getCause() instanceof JsonProcessingException json) {
                return new Json().toResponse(json);
            }
            int status = e.getResponse().getStatus();
            if (e instanceof NotAllowedException) {
                return Response.fromResponse(ErrorResponses.envelope(
                                405, ErrorCode.METHOD_NOT_ALLOWED.wire(), "Method not allowed", Map.of()))
                        .allow(e.getResponse().getAllowedMethods())
                        .build();
            }
            if (status == 404) {
                return ErrorResponses.envelope(404, ErrorCode.NOT_FOUND.wire(), "Not found", Map.of());
            }
            if (status >= 500) {
                log.error("request failed", e);
                return ErrorResponses.envelope(
                        status, ErrorCode.INTERNAL_ERROR.wire(), "Internal server error", Map.of());
            }
            String reason = e.getResponse().getStatusInfo().getReasonPhrase();
            return ErrorResponses.envelope(
                    status,
                    ErrorResponses.httpStatusCode(status),
                    reason == null ? "Request rejected" : reason,
                    Map.of());
        }
    }

    /**
     * The database is out of reach or overloaded: retryable, so 503 with Retry-After (clients back off and retry).
     * Any other SQL failure is a bug or a broken schema, where a retry only repeats it: 500, logged once.
     */
    public static final class StoreUnavailable implements ExceptionMapper<StoreException> {
        @Override
        public Response toResponse(StoreException e) {
            if (!e.unavailable()) {
                log.error("database statement failed", e);
                return ErrorResponses.envelope(500, ErrorCode.INTERNAL_ERROR.wire(), "Internal server error", Map.of());
            }
            // the outage itself is logged once, by DatabaseHealth; each refused request only at debug level
            log.debug("database unavailable: {}", e.getMessage());
            return Response.fromResponse(ErrorResponses.envelope(
                            503, ErrorCode.UNAVAILABLE.wire(), "The service is temporarily unavailable", Map.of()))
                    .header("Retry-After", "1")
                    .build();
        }
    }

    /** A bug: logged with its stack trace here, answered without one. */
    public static final class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            log.error("unexpected failure", e);
            return ErrorResponses.envelope(500, ErrorCode.INTERNAL_ERROR.wire(), "Internal server error", Map.of());
        }
    }

    private static String truncate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
