package io.connecta.common.problem;

/** One invalid field of a request body, named by its JSON path. */
public record FieldError(String field, String message) {
}
