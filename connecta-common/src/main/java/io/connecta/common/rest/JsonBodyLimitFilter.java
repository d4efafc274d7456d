package io.connecta.common.rest;

import io.connecta.common.problem.Problem;
import io.connecta.common.problem.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Caps JSON request bodies of the APIs ({@code connecta.rest.max-json-bytes}) before anything reads them whole: a declared
 * length over the cap is answered 413 at once, a chunked body is cut off when it passes the cap. Streamed
 * uploads (other media types) are not touched.
 */
@Component
public class JsonBodyLimitFilter extends OncePerRequestFilter {

    private final ProblemResponses problems;
    private final long maxBytes;

    public JsonBodyLimitFilter(ProblemResponses problems, @Value("${connecta.rest.max-json-bytes:1048576}") long maxBytes) {
        this.problems = problems;
        this.maxBytes = maxBytes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // the APIs only: operator tools (Jolokia) sit behind the login and size their own requests
        String type = request.getContentType();
        return !request.getRequestURI().startsWith("/api/") || type == null || !type.toLowerCase().contains("json");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            Problem problem = new Problem("about:blank", "Content Too Large", 413, "request body of " + declared
                    + " bytes is larger than the limit of " + maxBytes + " bytes", request.getRequestURI(), List.of());
            response.setStatus(413);
            response.setContentType(Problem.MEDIA_TYPE);
            response.getOutputStream().write(problems.render(problem).getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(declared >= 0 ? request : new Capped(request, maxBytes), response);
    }

    private static final class Capped extends HttpServletRequestWrapper {
        private final long max;

        Capped(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            BodyLimit limit = new BodyLimit(max);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    limit.count(b >= 0 ? 1 : 0);
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    limit.count(n);
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
