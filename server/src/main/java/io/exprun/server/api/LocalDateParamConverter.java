package io.exprun.server.api;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.LocalDate;

/**
 * {@code format: date} query parameters arrive as LocalDate in the generated interfaces; JAX-RS cannot convert those
 * on its own. A value that does not parse makes Jersey raise a ParamException, which becomes a 422.
 */
public final class LocalDateParamConverter implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != LocalDate.class) {
            return null;
        }
        return (ParamConverter<T>) new ParamConverter<LocalDate>() {
            @Override
            public LocalDate fromString(String value) {
                return value == null ? null : LocalDate.parse(value);
            }

            @Override
            public String toString(LocalDate value) {
                return value.toString();
            }
        };
    }
}
