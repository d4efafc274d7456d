package io.connecta.common.problem;

import java.util.List;

/**
 * Thrown by route code to answer the caller with a problem+json body; {@link ProblemRouteConfiguration}
 * turns it into the HTTP response in one place.
 */
public class ApiProblemException extends RuntimeException {

    private final int status;
    private final List<FieldError> errors;

    public ApiProblemException(int status, String detail) {
        this(status, detail, List.of());
    }

    public ApiProblemException(int status, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public static ApiProblemException badRequest(String detail) {
        return new ApiProblemException(400, detail);
    }

    public static ApiProblemException notFound(String detail) {
        return new ApiProblemException(404, detail);
    }

    public static ApiProblemException conflict(String detail) {
        return new ApiProblemException(409, detail);
    }

    public static ApiProblemException unprocessable(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " invalid fields: " + String.join(", ", errors.stream().map(FieldError::field).toList());
        return new ApiProblemException(422, detail, errors);
    }

    public int status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
