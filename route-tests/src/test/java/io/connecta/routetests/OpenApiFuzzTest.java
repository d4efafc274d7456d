package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema-driven fuzzing of the three OpenAPI documents (FE API, BE API, the CU worker's profile API) against the
 * real apps: every operation a document lists is called with parameters and bodies drawn from its schema, valid and
 * hostile (wrong types, missing and unknown fields, path tricks, control characters, invalid UTF-8, odd JSON), with a
 * credential allowed to call it. Each answer must be below 500 and one of the statuses the document lists for the
 * operation, and every error answer is problem+json. Bounded and seeded (jqwik): the same requests on every run; a failure names the request.
 */
class OpenApiFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static JobSystem system;
    private static List<Operation> operations;

    /** One operation of one document, and the client (base URL, credential) that may call it. */
    record Operation(String api, Http client, String method, String path, List<Param> params, String bodyType,
                     JsonNode bodySchema, Set<Integer> documented, JsonNode components) {

        @Override
        public String toString() {
            return api + " " + method + " " + path;
        }
    }

    record Param(String name, String in, boolean required, JsonNode schema) {
    }

    /** A request drawn for an operation: the values of its parameters (null = left out) and its body. */
    record FuzzRequest(Operation op, Map<String, String> values, byte[] body) {

        @Override
        public String toString() {
            return op + " " + values + " body=" + new String(body, StandardCharsets.UTF_8);
        }
    }

    @BeforeContainer
    static void start() {
        system = new JobSystem("fuzz", Map.of(), true);
        operations = new ArrayList<>();
        // each API with a credential allowed every operation of it: the FE API's admin, a worker, the orchestrator
        String orchestrator = "http://127.0.0.1:" + system.orchestratorPort;
        DevTokens tokens = new DevTokens(orchestrator);
        Http worker = new Http("http://127.0.0.1:" + Apps.port(system.cu)).bearer(tokens.token(DevTokens.ORCHESTRATOR));
        operations.addAll(operations("FE", new Http(orchestrator).bearer(tokens.admin()), "/api/fe/v1/openapi.json"));
        operations.addAll(operations("BE", new Http(orchestrator).bearer(tokens.token(DevTokens.WORKER_CU)), "/api/be/v1/openapi.json"));
        operations.addAll(operations("CU worker", worker, "/api/v1/openapi.json"));
    }

    @AfterContainer
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Property(tries = 600, seed = "20261129", shrinking = ShrinkingMode.OFF)
    void everyAnswerIsBelow500AndDocumented(@ForAll("requests") FuzzRequest r) {
        Http.Response response = send(r);
        assertThat(response.status())
                .as("%s answered %d %s", r, response.status(), response.body())
                .isLessThan(500)
                .isIn(r.op().documented());
        if (response.status() >= 400) {
            assertThat(response.contentType()).as("%s answered %d %s", r, response.status(), response.body())
                    .startsWith("application/problem+json");
        }
    }

    @Provide
    Arbitrary<FuzzRequest> requests() {
        assertThat(operations).as("operations in the three documents").hasSizeGreaterThan(10);
        return Arbitraries.of(operations).flatMap(op -> {
            Arbitrary<Map<String, String>> values = paramValues(op);
            return Combinators.combine(values, body(op)).as((v, b) -> new FuzzRequest(op, v, b));
        });
    }

    private static Http.Response send(FuzzRequest r) {
        Operation op = r.op();
        String path = op.path();
        List<String> query = new ArrayList<>();
        HttpRequest.Builder headers = HttpRequest.newBuilder();
        for (Param p : op.params()) {
            String v = r.values().get(p.name());
            if (v == null) {
                continue;
            }
            switch (p.in()) {
                case "path" -> path = path.replace("{" + p.name() + "}", encode(v));
                case "query" -> query.add(encode(p.name()) + "=" + encode(v));
                default -> { /* headers go below: a header value cannot carry every character */ }
            }
        }
        String uri = path + (query.isEmpty() ? "" : "?" + String.join("&", query));
        HttpRequest.Builder request = op.client().request(uri)
                .method(op.method(), HttpRequest.BodyPublishers.ofByteArray(r.body()));
        if (op.bodyType() != null) {
            request.header("Content-Type", op.bodyType());
        }
        for (Param p : op.params()) {
            String v = r.values().get(p.name());
            if ("header".equals(p.in()) && v != null && v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                request.header(p.name(), v);
            }
        }
        return op.client().send(request);
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- parameters

    private static Arbitrary<Map<String, String>> paramValues(Operation op) {
        Arbitrary<Map<String, String>> all = Arbitraries.just(Map.of());
        for (Param p : op.params()) {
            Arbitrary<String> value = "path".equals(p.in()) ? text(p.schema()) : text(p.schema()).injectNull(p.required() ? 0.05 : 0.4);
            all = Combinators.combine(all, value).as((m, v) -> {
                Map<String, String> next = new LinkedHashMap<>(m);
                next.put(p.name(), v);
                return next;
            });
        }
        return all;
    }

    /** A parameter value: mostly of the schema's type, sometimes not, sometimes hostile. */
    private static Arbitrary<String> text(JsonNode schema) {
        String type = schema == null ? "string" : schema.path("type").asText("string");
        Arbitrary<String> typed = switch (type) {
            case "integer", "number" -> Arbitraries.oneOf(Arbitraries.integers().between(-3, 1200).map(String::valueOf),
                    Arbitraries.of("9223372036854775808", "1e3", "0x10", "-0", "NaN"));
            case "boolean" -> Arbitraries.of("true", "false", "TRUE", "yes");
            default -> ids();
        };
        if (schema != null && schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(v -> values.add(v.asText()));
            typed = Arbitraries.oneOf(Arbitraries.of(values), typed);
        }
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, typed),
                net.jqwik.api.Tuple.of(3, hostile()),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMinLength(0).ofMaxLength(40)));
    }

    private static Arbitrary<String> ids() {
        return Arbitraries.oneOf(
                Arbitraries.of("cu", "upper", "sample-cu", "cu-1", "fuzz-1"),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_', '.').ofMinLength(1).ofMaxLength(30));
    }

    private static Arbitrary<String> hostile() {
        return Arbitraries.of("", " ", ".", "..", "../../etc/passwd", "..%2f..%2f", "/", "%00", "\u0000", "a\nb",
                "<script>alert(1)</script>", "' OR '1'='1", "\"; DROP TABLE job; --", "${jndi:ldap://x}",
                "Übersicht-März", "😀", "\uFFFF", "x".repeat(300), "x".repeat(5000), "-1", "null", "[]", "{}",
                "http://127.0.0.1:1/actuator", "%", "%zz", "\\", "a/b", "~", "*");
    }

    // ---- bodies

    private static Arbitrary<byte[]> body(Operation op) {
        if (op.bodyType() == null) {
            return Arbitraries.just(new byte[0]);
        }
        if (!op.bodyType().contains("json")) {
            return Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        }
        Arbitrary<byte[]> fromSchema = jsonValue(op.bodySchema(), op.components(), 0).map(OpenApiFuzzTest::bytes);
        Arbitrary<byte[]> odd = Arbitraries.of(
                "", "null", "[]", "\"x\"", "42", "{", "{\"a\":", "{}", "{\"id\":{\"$gt\":\"\"}}",
                "[".repeat(2000), "{\"a\":1,\"a\":2}", "{\"id\":\"x\"}\n{\"id\":\"y\"}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> notUtf8 = Arbitraries.of(
                new byte[]{'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
                new byte[]{(byte) 0xc3, (byte) 0x28},
                new byte[]{'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'});
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(7, fromSchema),
                net.jqwik.api.Tuple.of(2, odd),
                net.jqwik.api.Tuple.of(1, notUtf8));
    }

    /** A JSON value for a schema: its properties (required ones mostly present), values of their types or not. */
    private static Arbitrary<JsonNode> jsonValue(JsonNode schema, JsonNode components, int depth) {
        JsonNode s = resolve(schema, components);
        String type = s == null ? "" : s.path("type").asText(s.has("properties") ? "object" : "");
        if (depth > 3) {
            return Arbitraries.just(NODES.nullNode());
        }
        Arbitrary<JsonNode> typed = switch (type) {
            case "object" -> object(s, components, depth);
            case "array" -> jsonValue(s.get("items"), components, depth + 1).list().ofMaxSize(4).map(items -> {
                ArrayNode a = NODES.arrayNode();
                items.forEach(a::add);
                return a;
            });
            case "integer", "number" -> Arbitraries.oneOf(Arbitraries.integers().between(-5, 100000).map(NODES::numberNode),
                    Arbitraries.of(NODES.numberNode(1.5), NODES.numberNode(Long.MAX_VALUE), NODES.textNode("12")));
            case "boolean" -> Arbitraries.of(NODES.booleanNode(true), NODES.booleanNode(false), NODES.textNode("true"));
            case "string" -> Arbitraries.oneOf(ids(), hostile()).map(NODES::textNode);
            default -> Arbitraries.oneOf(object(NODES.objectNode(), components, depth),
                    Arbitraries.oneOf(ids(), hostile()).map(NODES::textNode));
        };
        Arbitrary<JsonNode> wrong = Arbitraries.of(NODES.nullNode(), NODES.numberNode(7), NODES.textNode("x"),
                NODES.arrayNode(), NODES.objectNode(), NODES.booleanNode(true));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, typed), net.jqwik.api.Tuple.of(1, wrong));
    }

    private static Arbitrary<JsonNode> object(JsonNode schema, JsonNode components, int depth) {
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Arbitrary<ObjectNode> o = Arbitraries.just(NODES.objectNode()).map(ObjectNode::deepCopy);
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            Arbitrary<JsonNode> value = jsonValue(property.getValue(), components, depth + 1)
                    .injectNull(required.contains(property.getKey()) ? 0.1 : 0.5);
            o = Combinators.combine(o, value).as((node, v) -> {
                ObjectNode next = node.deepCopy();
                if (v != null) {
                    next.set(property.getKey(), v);
                }
                return next;
            });
        }
        Arbitrary<String> unknown = Arbitraries.of("extra", "__proto__", "id ", "").injectNull(0.85);
        return Combinators.combine(o, unknown).as((node, extra) -> {
            if (extra != null) {
                node.put(extra, "x");
            }
            return node;
        });
    }

    private static JsonNode resolve(JsonNode schema, JsonNode components) {
        JsonNode s = schema;
        for (int i = 0; s != null && s.has("$ref") && i < 10; i++) {
            String ref = s.get("$ref").asText();
            s = components.path("schemas").get(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return s;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the documents

    private static List<Operation> operations(String api, Http client, String docPath) {
        Http.Response r = client.get(docPath);
        assertThat(r.status()).as("%s document %s: %s", api, docPath, r.body()).isEqualTo(200);
        JsonNode doc = r.json();
        JsonNode components = doc.path("components");
        // the document's paths are relative to its server URL (the REST context path, e.g. /api or /api/v1)
        String server = java.net.URI.create(doc.path("servers").path(0).path("url").asText("/api")).getPath();
        List<Operation> ops = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(verb -> {
            String method = verb.getKey().toUpperCase();
            if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                return;
            }
            JsonNode o = verb.getValue();
            List<Param> params = new ArrayList<>();
            o.path("parameters").forEach(p -> params.add(new Param(p.path("name").asText(), p.path("in").asText(),
                    p.path("required").asBoolean(false), p.get("schema"))));
            String bodyType = null;
            JsonNode bodySchema = null;
            Iterator<Map.Entry<String, JsonNode>> content = o.path("requestBody").path("content").fields();
            if (content.hasNext()) {
                Map.Entry<String, JsonNode> first = content.next();
                bodyType = first.getKey();
                bodySchema = first.getValue().get("schema");
            }
            Set<Integer> documented = new LinkedHashSet<>();
            o.path("responses").fieldNames().forEachRemaining(code -> {
                if (code.matches("\\d{3}")) {
                    documented.add(Integer.parseInt(code));
                }
            });
            String p = server.replaceAll("/$", "") + path.getKey();
            ops.add(new Operation(api, client, method, p, params, bodyType, bodySchema, documented, components));
        }));
        assertThat(ops).as("operations of the %s document", api).isNotEmpty();
        return ops.stream().sorted((a, b) -> a.toString().compareTo(b.toString())).collect(Collectors.toList());
    }
}
