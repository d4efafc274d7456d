package io.connecta.common.security;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.common.HttpMessage;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * The authenticated caller of an API request, for Camel routes: platform-http runs a route on another thread than the
 * servlet filters, so the caller is read from the request (where the bearer token filter left its security
 * context), not from a thread-local.
 */
public final class ApiCaller {

    private ApiCaller() {
    }

    /**
     * Takes an exchange that came in over platform-http and gives the caller's name (the token's {@code sub});
     * throws {@link IllegalStateException} when the request carries no authentication (a route reached without the
     * API security chain: a bug, never an anonymous caller).
     */
    public static String subject(Exchange exchange) {
        Authentication authentication = authentication(exchange);
        if (authentication == null || authentication.getName() == null) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return authentication.getName();
    }

    private static Authentication authentication(Exchange exchange) {
        HttpServletRequest request = request(exchange.getMessage());
        if (request == null) {
            request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        }
        if (request == null) {
            return null;
        }
        Object context = request.getAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME);
        return context instanceof SecurityContext c ? c.getAuthentication() : null;
    }

    private static HttpServletRequest request(Message message) {
        return message instanceof HttpMessage http ? http.getRequest() : null;
    }
}
