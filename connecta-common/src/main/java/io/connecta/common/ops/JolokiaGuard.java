package io.connecta.common.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What Jolokia's own access policy ({@code jolokia-access.xml}, the MBeans nobody may touch) cannot say, in front of
 * both Jolokia paths ({@code /actuator/hawtio/jolokia/**}, {@code /actuator/jolokia/**}):
 * <ul>
 *   <li>A GET may only read ({@code read}, {@code list}, {@code search}, {@code version}); {@code exec} and
 *       {@code write} take a POST (which the CSRF token guards for a browser session). A GET with another command,
 *       in the path or in the {@code p} parameter, answers 405.</li>
 *   <li>Origin, strictly: a request whose {@code Origin} (or else {@code Referer}) is not the app's own origin nor one
 *       of {@code connecta.ops.jolokia.allowed-origins} answers 403, preflights included; a request with neither
 *       header is accepted only with HTTP Basic credentials (a script), never on a session cookie alone.</li>
 * </ul>
 * Jolokia's policy file cannot do either: its HTTP method rule covers every command alike, and its CORS patterns are
 * static, so "the app's own origin" cannot be written there.
 */
final class JolokiaGuard extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(JolokiaGuard.class);
    private static final List<String> PREFIXES = List.of(OpsSecurityConfiguration.HAWTIO + "/jolokia", "/actuator/jolokia");
    private static final Set<String> READS = Set.of("", "read", "list", "search", "version");

    private final Set<String> allowedOrigins;

    JolokiaGuard(List<String> allowedOrigins) {
        this.allowedOrigins = Set.copyOf(allowedOrigins.stream().map(JolokiaGuard::normalise).toList());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return jolokiaPath(request) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = origin(request);
        if (origin != null && !origin.equals(ownOrigin(request)) && !allowedOrigins.contains(origin)) {
            refuse(request, response, 403, "origin " + origin + " may not call Jolokia");
            return;
        }
        if (origin == null && !hasBasicCredentials(request)) {
            refuse(request, response, 403, "a browser request to Jolokia must carry its Origin or Referer");
            return;
        }
        if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())) {
            String path = request.getParameter("p") != null ? request.getParameter("p") : jolokiaPath(request);
            String command = firstSegment(path);
            if (!READS.contains(command)) {
                response.setHeader("Allow", "POST");
                refuse(request, response, 405, "Jolokia's " + Printable.of(command, 32) + " takes a POST; a GET may only read");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The part after the Jolokia prefix (decoded), or null for any other path. */
    private static String jolokiaPath(HttpServletRequest request) {
        String uri = request.getRequestURI().substring(request.getContextPath().length());
        for (String prefix : PREFIXES) {
            if (uri.equals(prefix) || uri.startsWith(prefix + "/")) {
                return UriUtils.decode(uri.substring(prefix.length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String firstSegment(String path) {
        String p = path.replaceAll("^/+", "");
        int slash = p.indexOf('/');
        return (slash < 0 ? p : p.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    /** The caller's origin from Origin, else from Referer (scheme://host[:port]); null when it sent neither. */
    private static String origin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return normalise(origin);
        }
        String referer = request.getHeader("Referer");
        return referer == null ? null : normalise(referer);
    }

    private static String ownOrigin(HttpServletRequest request) {
        return normalise(request.getScheme() + "://" + request.getHeader("Host"));
    }

    /** scheme://host[:port] in lower case, the default port left out; "null" (an opaque origin) stays "null". */
    static String normalise(String url) {
        try {
            URI uri = new URI(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "null";
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (Exception e) {
            return "null";
        }
    }

    private static boolean hasBasicCredentials(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String detail)
            throws IOException {
        LOG.warn("Jolokia {} {} from {} refused: {}", request.getMethod(), Printable.of(request.getRequestURI(), 200),
                request.getRemoteAddr(), detail);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        String title = status == 405 ? "Method Not Allowed" : "Forbidden";
        response.getOutputStream().write(("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":" + quote(detail) + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
