package io.connecta.orchestrator.api;

import io.connecta.common.problem.Problem;
import io.connecta.common.problem.ProblemResponses;
import io.connecta.common.rest.IncompleteBodyException;
import io.connecta.orchestrator.jobs.JobIntake;
import io.connecta.orchestrator.jobs.JobIntakeRoutes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The HTTP side of {@code POST /api/fe/v1/jobs}: hands the servlet's own request stream to
 * {@link JobIntakeRoutes#UPLOAD} and writes the route's answer (status, {@code Content-Type}, {@code Location},
 * body).
 *
 * <p>Why not the REST DSL consumer that documents this operation ({@code rest-job-submit} in {@link FeApiRestRoutes}):
 * Camel 4.17's Spring Boot platform-http copies every request body into the stream cache before the route runs
 * ({@code PlatformHttpMessage#init}; streaming came to the Spring Boot starter later, CAMEL-23320). An upload would be
 * written twice (spool file, then blob), and one abandoned mid-way would leave its spool file until the app stops.
 * Here the body is read once, by the blob store, as it arrives; a client that disconnects or stalls (no bytes for
 * {@code server.tomcat.connection-timeout}) ends the read with {@link IncompleteBodyException}, and the routes leave
 * nothing behind. The filter runs behind Spring Security's filter chain, so the same rules apply as to the other
 * {@code /api/fe/**} calls. Every decision (parameters, content type, limits, idempotency) stays in the route.
 */
@Component
public class JobUploadFilter extends OncePerRequestFilter {

    static final String PATH = "/api/fe/v1/jobs";
    /** The request values the route reads, as the REST DSL would bind them. */
    static final List<String> QUERY_PARAMETERS = List.of("workerType", "profileId", "filename");
    static final List<String> HEADERS = List.of("Idempotency-Key", "Content-Type");
    static final List<String> ANSWER_HEADERS = List.of("Location");

    private static final Logger LOG = LoggerFactory.getLogger(JobUploadFilter.class);

    private final ProducerTemplate camel;
    private final ProblemResponses problems;

    /** The template is looked up lazily: filters are made with the web server, before Camel is up. */
    public JobUploadFilter(@Lazy ProducerTemplate camel, ProblemResponses problems) {
        this.camel = camel;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !HttpMethod.POST.matches(request.getMethod())
                || !(request.getContextPath() + PATH).equals(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        if (!camel.getCamelContext().isStarted()) {
            // the servlet container takes requests a moment before Camel has started (readiness is DOWN then)
            Exchange starting = new DefaultExchange(camel.getCamelContext());
            starting.getMessage().setHeader(Exchange.HTTP_URI, request.getRequestURI());
            problems.write(starting, 503, "the orchestrator is starting; try again in a few seconds", List.of());
            write(starting.getMessage(), response);
            return;
        }
        Exchange answer = camel.request(JobIntakeRoutes.UPLOAD, exchange -> {
            Message in = exchange.getMessage();
            QUERY_PARAMETERS.forEach(name -> in.setHeader(name, request.getParameter(name)));
            HEADERS.forEach(name -> in.setHeader(name, request.getHeader(name)));
            long length = request.getContentLengthLong();
            in.setHeader(Exchange.CONTENT_LENGTH, length >= 0 ? length : null);
            in.setHeader(Exchange.HTTP_METHOD, request.getMethod());
            in.setHeader(Exchange.HTTP_URI, request.getRequestURI());
            // a property, not the body (or a variable): Camel would copy a stream there into the stream cache at once
            exchange.setProperty(JobIntake.UPLOAD, new ClientBody(request.getInputStream()));
        });
        if (answer.getException() != null) {
            // the route answers every failure as problem+json; one that escapes it is a bug
            LOG.error("Unexpected failure of a job upload", answer.getException());
            problems.write(answer, 500, Problem.INTERNAL_ERROR_DETAIL, List.of());
        }
        write(answer.getMessage(), response);
    }

    /** The route's answer as the HTTP response: status, content type, {@link #ANSWER_HEADERS}, body. */
    private static void write(Message out, HttpServletResponse response) throws IOException {
        response.setStatus(out.getHeader(Exchange.HTTP_RESPONSE_CODE, 500, Integer.class));
        response.setContentType(out.getHeader(Exchange.CONTENT_TYPE, "application/json", String.class));
        ANSWER_HEADERS.forEach(name -> {
            String value = out.getHeader(name, String.class);
            if (value != null) {
                response.setHeader(name, value);
            }
        });
        String body = out.getBody(String.class);
        if (body != null) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            response.setContentLength(bytes.length);
            try (OutputStream os = response.getOutputStream()) {
                os.write(bytes);
            }
        }
    }

    /** The request body; a failed read is the client's doing ({@link IncompleteBodyException}), not the server's. */
    static final class ClientBody extends FilterInputStream {

        ClientBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new IncompleteBodyException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new IncompleteBodyException(e);
            }
        }
    }
}
