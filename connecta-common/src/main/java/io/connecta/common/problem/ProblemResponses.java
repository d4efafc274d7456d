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

    private final ObjectMapper json;

    public ProblemResponses(ObjectMapper json) {
        this.json = json;
    }

    public void write(Exchange exchange, int status, String detail, List<FieldError> errors) {
        Message in = exchange.getMessage();
        HttpStatus httpStatus = HttpStatus.resolve(status);
        Problem problem = new Problem("about:blank", httpStatus == null ? "HTTP " + status : httpStatus.getReasonPhrase(),
                status, detail, in.getHeader(Exchange.HTTP_URI, String.class), errors);
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
