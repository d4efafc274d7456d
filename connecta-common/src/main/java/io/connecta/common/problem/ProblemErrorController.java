package io.connecta.common.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Every error the servlet container forwards to {@code /error} (a {@code sendError} by Spring Security's firewall, a
 * filter, Tomcat's request parsing) answered as problem+json instead of Spring Boot's default error JSON or page.
 * Takes the status and message the container put in the request's {@code jakarta.servlet.error.*} attributes; gives
 * {@link Problem} with that status (500 if there is none) and a detail that never carries a stack trace.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping(value = "${server.error.path:/error}", produces = {Problem.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE, MediaType.ALL_VALUE})
    public ResponseEntity<Problem> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        return ResponseEntity.status(status)
                .contentType(MediaType.parseMediaType(Problem.MEDIA_TYPE))
                .body(new Problem("about:blank", title, status, detail(status, request), uri == null ? null : uri.toString(), List.of()));
    }

    private static String detail(int status, HttpServletRequest request) {
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        if (status >= 500) {
            return Problem.INTERNAL_ERROR_DETAIL;
        }
        if (status == 400 && (message == null || message.toString().isBlank())) {
            return "the request is malformed (its URL or headers)";
        }
        return message == null || message.toString().isBlank() ? HttpStatus.valueOf(status).getReasonPhrase() : message.toString();
    }
}
