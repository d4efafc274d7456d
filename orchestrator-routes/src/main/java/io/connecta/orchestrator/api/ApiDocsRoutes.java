package io.connecta.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connecta.common.security.ServiceTokens;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.util.Iterator;
import java.util.Map;

/**
 * One OpenAPI document per API: Camel renders a single document for all REST routes ({@code /api/openapi.json});
 * these routes serve the FE and BE halves of it at {@code /api/fe/v1/openapi.json} and {@code /api/be/v1/openapi.json}.
 */
@Component
public class ApiDocsRoutes extends RouteBuilder {

    private final ObjectMapper json;
    private final Environment environment;
    private final ServiceTokens tokens;

    public ApiDocsRoutes(ObjectMapper json, Environment environment, ServiceTokens tokens) {
        this.json = json;
        this.environment = environment;
        this.tokens = tokens;
    }

    @Override
    public void configure() {
        from("platform-http:/api/fe/v1/openapi.json?httpMethodRestrict=GET").routeId("openapi-fe")
                .setProperty("apiPrefix", constant("/fe/v1"))
                .setProperty("apiTitle", constant("Connecta Orchestrator FE API"))
                .to("direct:openapi-slice");

        from("platform-http:/api/be/v1/openapi.json?httpMethodRestrict=GET").routeId("openapi-be")
                .setProperty("apiPrefix", constant("/be/v1"))
                .setProperty("apiTitle", constant("Connecta Orchestrator BE API"))
                .to("direct:openapi-slice");

        from("direct:openapi-slice").routeId("openapi-slice")
                .removeHeaders("*")
                .setHeader(Exchange.HTTP_URI, () -> "http://127.0.0.1:" + environment.getProperty("local.server.port")
                        + "/api/openapi.json")
                // the whole document is behind the API's security too: the orchestrator asks with its own credential
                .setHeader("Authorization", method(tokens, "authorizationHeader"))
                .to("http://self?throwExceptionOnFailure=true")
                .process(this::slice)
                .removeHeaders("*")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }

    private void slice(Exchange e) throws Exception {
        String prefix = e.getProperty("apiPrefix", String.class);
        ObjectNode doc = (ObjectNode) json.readTree(e.getMessage().getBody(String.class));
        ObjectNode paths = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            if (path.getKey().startsWith(prefix + "/")) {
                paths.set(path.getKey().substring(prefix.length()), path.getValue());
            }
        }
        doc.set("paths", paths);
        ((ObjectNode) doc.with("info")).put("title", e.getProperty("apiTitle", String.class));
        doc.putArray("servers").addObject().put("url", "/api" + prefix);
        e.getMessage().setBody(json.writeValueAsString(doc));
    }
}
