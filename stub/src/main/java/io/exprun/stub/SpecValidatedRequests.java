package io.exprun.stub;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request.Method;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Urls;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.exprun.stub.generated.rules.ErrorCode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses, before any scenario answers, what the real server refuses, in the order it does: an unknown path (404
 * {@code not_found}), a wrong method (405), a missing or wrong bearer key (401 with {@code WWW-Authenticate}), an id
 * that cannot exist (404 {@code run_not_found} and the like), and anything else the spec does not allow (422 listing
 * every problem, in the contract's {@code HTTPValidationError} shape). That last check is Atlassian's request
 * validator's, against the spec ({@code openapi-3.0.json}, written at build time); {@link InFastApisWords} words its
 * findings as the server does. The paths are matched here, as OpenAPI and JAX-RS match them: a template with more
 * literal characters first, whatever the method ({@code DELETE …/runs} is 405, never the experiment "runs"), which the
 * validator does not do.
 */
final class SpecValidatedRequests implements StubRequestFilterV2 {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,200}");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^/}]+)}");

    /** A path of the spec: its template as a pattern, its literal characters, its path parameters and methods. */
    private record Template(
            String path, Pattern pattern, int literals, List<String> parameters, List<String> methods) {}

    private final JsonNode spec;
    private final List<Template> templates = new ArrayList<>();
    private final OpenApiInteractionValidator validator;
    private final String apiKey;

    SpecValidatedRequests(String apiKey) {
        this.apiKey = apiKey;
        this.spec = StubResources.read("/io/exprun/stub/openapi-3.0.json");
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(spec.toString())
                .build();
        spec.path("paths").fields().forEachRemaining(p -> {
            List<String> parameters = new ArrayList<>();
            Matcher m = PARAMETER.matcher(p.getKey());
            while (m.find()) {
                parameters.add(m.group(1));
            }
            List<String> methods = new ArrayList<>();
            p.getValue().fieldNames().forEachRemaining(k -> methods.add(k.toUpperCase(Locale.ROOT)));
            templates.add(new Template(
                    p.getKey(),
                    Pattern.compile("^" + PARAMETER.matcher(p.getKey()).replaceAll("([^/]+)") + "$"),
                    PARAMETER.matcher(p.getKey()).replaceAll("").length(),
                    parameters,
                    methods));
        });
    }

    @Override
    public String getName() {
        return "exprun-spec-validated-requests";
    }

    @Override
    public boolean applyToAdmin() {
        return false;
    }

    @Override
    public boolean applyToStubs() {
        return true;
    }

    @Override
    public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
        return refusal(request)
                .map(RequestFilterAction::stopWith)
                .orElseGet(() -> RequestFilterAction.continueWith(request));
    }

    private Optional<ResponseDefinition> refusal(Request request) {
        URI uri = URI.create(request.getUrl());
        String path = uri.getRawPath();
        List<Template> matching = templates.stream()
                .filter(t -> t.pattern().matcher(path).matches())
                .toList();
        if (matching.isEmpty()) {
            return Optional.of(envelope(404, ErrorCode.NOT_FOUND, "Not found", F.objectNode())
                    .build());
        }
        int best = matching.stream().mapToInt(Template::literals).max().orElseThrow();
        Template template =
                matching.stream().filter(t -> t.literals() == best).findFirst().orElseThrow();
        String method = request.getMethod().getName();
        if (!template.methods().contains(method)) {
            return Optional.of(envelope(405, ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed", F.objectNode())
                    .withHeader("Allow", String.join(", ", template.methods()))
                    .build());
        }
        Optional<ResponseDefinitionBuilder> unauthorized = checkKey(request);
        if (unauthorized.isPresent()) {
            return Optional.of(unauthorized.get().build());
        }
        Matcher ids = template.pattern().matcher(path);
        ids.matches();
        for (int i = 0; i < template.parameters().size(); i++) {
            String value = URLDecoder.decode(ids.group(i + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            if (!SANE_ID.matcher(value).matches()) { // no such id can exist: what the real server answers for it
                String name = template.parameters().get(i);
                String kind = name.replace("_id", "");
                return Optional.of(envelope(
                                404,
                                ErrorCode.parse(kind + "_not_found"),
                                Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " not found",
                                F.objectNode().put(name, value))
                        .build());
            }
        }
        JsonNode operation = spec.path("paths").path(template.path()).path(method.toLowerCase(Locale.ROOT));
        SimpleRequest validated = validated(request, uri);
        ArrayNode errors = InFastApisWords.errors(validator.validateRequest(validated), spec, operation, validated);
        if (!errors.isEmpty()) {
            ObjectNode body = F.objectNode();
            body.set("detail", errors);
            return Optional.of(json(422, body).build());
        }
        return Optional.empty();
    }

    /** The request as the validator reads it: path, query, headers and body as sent. */
    private static SimpleRequest validated(Request request, URI uri) {
        SimpleRequest.Builder r =
                new SimpleRequest.Builder(Method.valueOf(request.getMethod().getName()), uri.getPath());
        Urls.splitQuery(uri).forEach((name, values) -> r.withQueryParam(name, values.values()));
        request.getHeaders().all().forEach(h -> r.withHeader(h.key(), h.values()));
        byte[] body = request.getBody();
        if (body != null && body.length > 0) {
            r.withBody(new String(body, StandardCharsets.UTF_8));
        }
        return r.build();
    }

    private Optional<ResponseDefinitionBuilder> checkKey(Request request) {
        var header = request.header("Authorization");
        if (!header.isPresent() || header.values().isEmpty()) {
            return Optional.of(unauthorized("Missing API key: send Authorization: Bearer <key>", "Bearer"));
        }
        if (header.values().size() > 1) {
            return Optional.of(
                    unauthorized("Send exactly one Authorization header", "Bearer error=\"invalid_request\""));
        }
        String value = header.firstValue();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(
                    unauthorized("Authorization must use the Bearer scheme", "Bearer error=\"invalid_request\""));
        }
        String key = value.substring(7).trim();
        if (key.isEmpty()) {
            return Optional.of(unauthorized("Missing API key: send Authorization: Bearer <key>", "Bearer"));
        }
        if (!key.equals(apiKey)) {
            return Optional.of(unauthorized("Invalid API key", "Bearer error=\"invalid_token\""));
        }
        return Optional.empty();
    }

    private static ResponseDefinitionBuilder unauthorized(String message, String challenge) {
        return envelope(401, ErrorCode.UNAUTHORIZED, message, F.objectNode()).withHeader("WWW-Authenticate", challenge);
    }

    private static ResponseDefinitionBuilder envelope(int status, ErrorCode code, String message, ObjectNode details) {
        ObjectNode body = F.objectNode();
        body.putObject("detail")
                .put("code", code.wire())
                .put("message", message)
                .set("details", details);
        return json(status, body);
    }

    private static ResponseDefinitionBuilder json(int status, JsonNode body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString());
    }
}
