package io.connecta.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Writes problem+json answers. REST binding skips output marshalling for codes >= 300, so the body is
 * rendered here as a JSON string.
 */
@Component
public class ProblemResponses {

    /** Exchange property: the request path a problem refers to, for routes that rewrite the HTTP headers. */
    public static final String INSTANCE = "connectaProblemInstance";

    private final ObjectMapper json;

    public ProblemResponses(ObjectMapper json) {
        this.json = json;
    }

    public void write(Exchange exchange, int status, String detail, List<FieldError> errors) {
        Message in = exchange.getMessage();
        HttpStatus httpStatus = HttpStatus.resolve(status);
        // a full URL in the header is the target of an outgoing call made on the way, not this request's path
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        String instance = exchange.getProperty(INSTANCE, uri != null && uri.startsWith("/") ? uri : null, String.class);
        Problem problem = new Problem("about:blank", httpStatus == null ? "HTTP " + status : httpStatus.getReasonPhrase(),
                status, detail, instance, errors);
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        out.setBody(render(problem));
    }

    public String render(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render problem " + problem, e);
        }
    }
}
