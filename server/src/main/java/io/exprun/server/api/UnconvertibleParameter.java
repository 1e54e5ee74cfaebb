package io.exprun.server.api;

import io.exprun.server.error.ErrorResponses;
import io.exprun.server.generated.model.ValidationError;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.glassfish.jersey.server.ParamException;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * A parameter whose text does not convert to the type the spec gives it, as a 422 item: an enum (a $ref to a spec
 * enum becomes a Java enum, whose constants are the spec's values), a {@code format: date}, an integer. The message
 * names what was expected, in pydantic's words.
 */
final class UnconvertibleParameter {

    private UnconvertibleParameter() {}

    static ValidationError describe(ParamException p, ResourceMethod method) {
        String where = switch (p.getParameterType().getSimpleName()) {
            case "QueryParam" -> "query";
            case "PathParam" -> "path";
            case "HeaderParam" -> "header";
            default -> "request";
        };
        List<Object> loc = List.of(where, p.getParameterName());
        Class<?> type = parameterType(p, method);
        if (type != null && type.isEnum()) {
            String expected = Arrays.stream(type.getEnumConstants())
                    .map(c -> "'" + c + "'")
                    .collect(Collectors.joining(", "))
                    .replaceFirst(", ([^,]*)$", " or $1");
            return ErrorResponses.error(loc, "Input should be " + expected, "enum", null)
                    .ctx(Map.of("expected", expected));
        }
        if (type == LocalDate.class) {
            return ErrorResponses.error(
                    loc, "Input should be a valid date in the format YYYY-MM-DD", "date_parsing", null);
        }
        if (type == Integer.class || type == Long.class) {
            return ErrorResponses.error(
                    loc, "Input should be a valid integer, unable to parse string as an integer", "int_parsing", null);
        }
        return ErrorResponses.error(loc, "Input is not a valid value for this parameter", "value_error", null);
    }

    /** The Java type of the parameter, read from the generated interface method's JAX-RS annotations. */
    private static Class<?> parameterType(ParamException p, ResourceMethod method) {
        Method m = method == null ? null : method.getInvocable().getDefinitionMethod();
        if (m == null) {
            return null;
        }
        Annotation[][] annotations = m.getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation a : annotations[i]) {
                if (p.getParameterName().equals(nameOf(a))) {
                    return m.getParameterTypes()[i];
                }
            }
        }
        return null;
    }

    private static String nameOf(Annotation a) {
        if (a instanceof QueryParam q) {
            return q.value();
        }
        if (a instanceof PathParam q) {
            return q.value();
        }
        return a instanceof HeaderParam q ? q.value() : null;
    }
}
