package io.exprun.server.api;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.generated.model.ValidationError;
import io.exprun.server.spec.OneOf;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Bean Validation failures of the generated interfaces (the spec's constraints) as FastAPI's 422
 * {@code HTTPValidationError}: {@code loc} names where the value came from ({@code query}/{@code path}/{@code header}
 * and the wire name, or {@code body} and the JSON property path), {@code type}/{@code msg}/{@code ctx} follow pydantic
 * v2's wording for the same constraint. The constraint's numbers come from the annotation, i.e. from the spec.
 */
public final class ConstraintViolations implements ExceptionMapper<ConstraintViolationException> {

    private final ObjectMapper json;

    public ConstraintViolations(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Response toResponse(ConstraintViolationException e) {
        List<ValidationError> errors = e.getConstraintViolations().stream()
                .map(this::error)
                .sorted(Comparator.comparing(v -> v.getLoc().toString()))
                .toList();
        return ErrorResponses.validation(errors);
    }

    private ValidationError error(ConstraintViolation<?> v) {
        Annotation constraint = v.getConstraintDescriptor().getAnnotation();
        Object input = v.getInvalidValue();
        List<Object> loc = location(v);
        if (constraint instanceof NotNull) {
            return ErrorResponses.error(loc, "Field required", "missing", null);
        }
        if (constraint instanceof Min min) {
            return ErrorResponses.error(
                            loc, "Input should be greater than or equal to " + min.value(), "greater_than_equal", input)
                    .ctx(Map.of("ge", min.value()));
        }
        if (constraint instanceof Max max) {
            return ErrorResponses.error(
                            loc, "Input should be less than or equal to " + max.value(), "less_than_equal", input)
                    .ctx(Map.of("le", max.value()));
        }
        if (constraint instanceof Size size && input instanceof CharSequence s && s.length() < size.min()) {
            return ErrorResponses.error(
                            loc,
                            "String should have at least " + size.min() + " character" + (size.min() == 1 ? "" : "s"),
                            "string_too_short",
                            input)
                    .ctx(Map.of("min_length", size.min()));
        }
        if (constraint instanceof Size size && input instanceof CharSequence) {
            return ErrorResponses.error(
                            loc, "String should have at most " + size.max() + " characters", "string_too_long", input)
                    .ctx(Map.of("max_length", size.max()));
        }
        if (constraint instanceof OneOf oneOf) {
            String expected = Arrays.stream(oneOf.value())
                    .map(x -> "'" + x + "'")
                    .collect(Collectors.joining(", "))
                    .replaceFirst(", ([^,]*)$", " or $1");
            return ErrorResponses.error(loc, "Input should be " + expected, "enum", input)
                    .ctx(Map.of("expected", expected));
        }
        if (constraint instanceof Pattern pattern) {
            return ErrorResponses.error(
                            loc,
                            "String should match pattern '" + pattern.regexp() + "'",
                            "string_pattern_mismatch",
                            input)
                    .ctx(Map.of("pattern", pattern.regexp()));
        }
        return ErrorResponses.error(loc, v.getMessage(), "value_error", input);
    }

    /**
     * ["query", "limit"], ["path", "run_id"], ["body"], ["body", "documents", 0, "handle_inputs", "d", "document",
     * "id"], ...: where the value came from, then the wire names (as the JSON was sent) with list indexes and map keys.
     */
    private List<Object> location(ConstraintViolation<?> v) {
        List<Object> loc = new ArrayList<>();
        String methodName = null;
        JavaType bean = null; // the wire type the next property node belongs to, while inside the body
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD) {
                methodName = node.getName();
            } else if (node.getKind() == ElementKind.PARAMETER) {
                int index = node.as(Path.ParameterNode.class).getParameterIndex();
                Annotation source = parameterSource(v.getRootBeanClass(), methodName, index);
                if (source instanceof QueryParam q) {
                    loc.addAll(List.of("query", q.value()));
                } else if (source instanceof PathParam p) {
                    loc.addAll(List.of("path", p.value()));
                } else if (source instanceof HeaderParam h) {
                    loc.addAll(List.of("header", h.value()));
                } else {
                    loc.add("body");
                    Class<?> type = parameterType(v.getRootBeanClass(), methodName, index);
                    bean = type == null ? null : json.constructType(type);
                }
            } else if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                if (node.isInIterable()) { // this node is inside an element of the previous node's list or map
                    loc.add(node.getIndex() != null ? node.getIndex() : String.valueOf(node.getKey()));
                    bean = bean == null ? null : bean.getContentType();
                }
                if (node.getKind() == ElementKind.PROPERTY) {
                    BeanPropertyDefinition property = bean == null ? null : property(bean, node.getName());
                    loc.add(property == null ? node.getName() : property.getName());
                    bean = property == null ? null : property.getPrimaryType();
                }
            }
        }
        return loc.isEmpty() ? List.of("body") : loc;
    }

    /** The property of the wire type whose Java name is given: it knows its wire name and its type. */
    private BeanPropertyDefinition property(JavaType bean, String javaName) {
        for (BeanPropertyDefinition p :
                json.getSerializationConfig().introspect(bean).findProperties()) {
            if (p.getInternalName().equals(javaName)) {
                return p;
            }
        }
        return null;
    }

    private static Annotation parameterSource(Class<?> type, String methodName, int index) {
        Method m = method(type, methodName, index);
        if (m == null) {
            return null;
        }
        for (Annotation a : m.getParameterAnnotations()[index]) {
            if (a instanceof QueryParam || a instanceof PathParam || a instanceof HeaderParam) {
                return a;
            }
        }
        return null;
    }

    private static Class<?> parameterType(Class<?> type, String methodName, int index) {
        Method m = method(type, methodName, index);
        return m == null ? null : m.getParameterTypes()[index];
    }

    /** The method as the generated interface declares it: that is where the JAX-RS parameter annotations are. */
    private static Method method(Class<?> type, String name, int index) {
        Map<String, Method> found = new LinkedHashMap<>();
        for (Class<?> i : type.getInterfaces()) {
            for (Method m : i.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() > index) {
                    found.putIfAbsent(name, m);
                }
            }
        }
        return found.get(name);
    }
}
