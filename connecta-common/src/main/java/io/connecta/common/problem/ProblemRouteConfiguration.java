package io.connecta.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.connecta.common.rest.BodyTooLargeException;
import io.connecta.common.rest.IncompleteBodyException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place where REST routes turn failures into problem+json answers. Every REST-facing route refers
 * to it with {@code .routeConfigurationId(ProblemRouteConfiguration.ID)}.
 */
@Component
public class ProblemRouteConfiguration extends RouteConfigurationBuilder {

    public static final String ID = "problem-json";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemRouteConfiguration.class);

    private final ProblemResponses problems;

    public ProblemRouteConfiguration(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public void configuration() {
        RouteConfigurationDefinition config = routeConfiguration(ID);

        config.onException(ApiProblemException.class).handled(true)
                .process(e -> {
                    ApiProblemException p = e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiProblemException.class);
                    problems.write(e, p.status(), p.getMessage(), p.errors());
                });

        // unmarshalling by REST binding: the body is not the JSON the operation takes
        config.onException(JsonProcessingException.class).handled(true)
                .process(this::badJson);

        config.onException(BodyTooLargeException.class).handled(true)
                .process(e -> problems.write(e, 413, e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage(),
                        List.of()));

        // the client went away mid-upload: nothing was kept (the routes clean up), and there is nobody to blame but it
        config.onException(IncompleteBodyException.class).handled(true)
                .process(e -> {
                    // often wrapped by the component that was reading (camel-file, the Azure SDK): say what happened
                    IncompleteBodyException p = ObjectHelper.getException(IncompleteBodyException.class,
                            e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
                    LOG.warn("Request {} {} abandoned: {}", e.getMessage().getHeader(Exchange.HTTP_METHOD),
                            e.getMessage().getHeader(Exchange.HTTP_URI), p.getMessage());
                    problems.write(e, 400, p.getMessage(), List.of());
                });

        config.onException(DuplicateKeyException.class).handled(true)
                .process(e -> problems.write(e, 409, "a resource with this id already exists", List.of()));

        // Camel matches an exception's root cause first: a binding error caused by, say, a DateTimeParseException (a
        // time field that is not a time) comes here, not to the JsonProcessingException clause above
        config.onException(Exception.class).handled(true)
                .choice()
                    .when(e -> jsonFailure(e) != null)
                        .process(this::badJson)
                    .otherwise()
                        .log(org.apache.camel.LoggingLevel.ERROR, "Unexpected failure on ${header.CamelHttpMethod} ${header.CamelHttpUri}: ${exception.stacktrace}")
                        .process(e -> problems.write(e, 500, Problem.INTERNAL_ERROR_DETAIL, List.of()))
                .end();
    }

    /** Unmarshalling by REST binding failed: the body is not the JSON the operation takes. */
    private void badJson(Exchange e) {
        JsonProcessingException p = jsonFailure(e);
        problems.write(e, 400, describe(p), fieldOf(p));
    }

    private static JsonProcessingException jsonFailure(Exchange e) {
        return ObjectHelper.getException(JsonProcessingException.class, e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'";
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            String path = path((MismatchedInputException) e);
            return path.isEmpty() ? "request body has the wrong shape: " + e.getOriginalMessage()
                    : "field '" + path + "' has the wrong type";
        }
        return "malformed JSON: " + e.getOriginalMessage();
    }

    private static List<FieldError> fieldOf(JsonProcessingException e) {
        if (e instanceof MismatchedInputException m && !path(m).isEmpty()) {
            return List.of(new FieldError(path(m), describe(e)));
        }
        return List.of();
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
