package io.connecta.common.rest;

import io.connecta.common.ops.Printable;
import io.connecta.common.problem.Problem;
import io.connecta.common.problem.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * JSON request bodies of the APIs, checked before anything reads them: at most {@code connecta.rest.max-json-bytes}
 * (a declared length over the cap is answered 413 at once; a chunked body is read up to the cap, and 413 when it
 * goes past it), and UTF-8 (RFC 8259; anything else is 400 with the offset of the first bad byte, and a WARN). The
 * checked body is handed on from memory with its length. Every answer here is problem+json: these bodies never reach
 * a route, whose error handling would otherwise answer (the servlet layer reads a body before Camel sees it, and a
 * failure there was a hung request or an empty 500). Streamed uploads (other media types) are not touched.
 */
@Component
public class JsonBodyLimitFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(JsonBodyLimitFilter.class);

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
            answer(request, response, 413, "Content Too Large", "request body of " + declared
                    + " bytes is larger than the limit of " + maxBytes + " bytes");
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 16));
        if (body.length > maxBytes) {
            answer(request, response, 413, "Content Too Large", "request body is larger than the limit of " + maxBytes
                    + " bytes");
            return;
        }
        int bad = firstInvalidUtf8(body);
        if (bad >= 0) {
            LOG.warn("Refused {} {} from {}: the JSON body is not valid UTF-8 (byte {} of {})", request.getMethod(),
                    Printable.of(request.getRequestURI(), 200), request.getRemoteAddr(), bad, body.length);
            answer(request, response, 400, "Bad Request", "request body is not valid UTF-8 (JSON must be UTF-8): "
                    + "invalid byte sequence at offset " + bad);
            return;
        }
        chain.doFilter(new CheckedBody(request, body), response);
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        Problem problem = new Problem("about:blank", title, status, detail, request.getRequestURI(), List.of());
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.getOutputStream().write(problems.render(problem).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset of the first byte that is not part of well-formed UTF-8, or -1. */
    static int firstInvalidUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length + 1), true);
        if (result.isError()) {
            return in.position();
        }
        return decoder.flush(CharBuffer.allocate(2)).isError() ? bytes.length : -1;
    }

    /** The request with its checked body, read again from memory, and its real length. */
    private static final class CheckedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        CheckedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
