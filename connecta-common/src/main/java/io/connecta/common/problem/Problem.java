package io.connecta.common.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** An RFC 9457 problem body ({@code application/problem+json}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The detail of every 500: what went wrong stays in the server log, never in the answer. */
    public static final String INTERNAL_ERROR_DETAIL = "internal error; the server log has the details";
}
