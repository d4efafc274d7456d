package io.connecta.common.security;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The header filter of the APIs' platform-http consumers ({@code camel.component.platform-http.header-filter-strategy}):
 * Camel's HTTP header rules, plus: the caller's {@code Authorization} header never becomes a Camel message header. Spring
 * Security has checked it before the route runs; as a message header it would be echoed in the answer and sent on by
 * any HTTP call the route makes (the profile passthrough sends the orchestrator's own credential instead).
 */
public class ApiHeaderFilterStrategy extends HttpHeaderFilterStrategy {

    /** The bean name the apps' configuration refers to. */
    public static final String BEAN = "apiHeaderFilterStrategy";

    public ApiHeaderFilterStrategy() {
        getInFilter().add("authorization");
        getOutFilter().add("authorization");
    }
}
