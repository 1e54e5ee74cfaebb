package io.exprun.server.api;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * {@code format: date} query parameters arrive as LocalDate in the generated interfaces; JAX-RS cannot convert those
 * on its own. OpenAPI's {@code date} is RFC 3339's full-date: exactly {@code YYYY-MM-DD} with a four-digit year.
 * Java's ISO parser also takes signed years up to ±999999999, which no database column holds and whose start of day
 * overflows an epoch-millisecond long; those, like anything else that does not parse, make Jersey raise a
 * ParamException, which becomes a 422.
 */
public final class LocalDateParamConverter implements ParamConverterProvider {

    private static final Pattern FULL_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != LocalDate.class) {
            return null;
        }
        return (ParamConverter<T>) new ParamConverter<LocalDate>() {
            @Override
            public LocalDate fromString(String value) {
                if (value == null) {
                    return null;
                }
                if (!FULL_DATE.matcher(value).matches()) {
                    throw new IllegalArgumentException("not an RFC 3339 full-date (YYYY-MM-DD)");
                }
                return LocalDate.parse(value);
            }

            @Override
            public String toString(LocalDate value) {
                return value.toString();
            }
        };
    }
}
