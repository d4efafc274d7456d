package io.connecta.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connecta.common.test.DevTokens;
import io.connecta.common.test.Http;
import io.connecta.common.test.TestIssuer;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The profiles API over real HTTP; the subclasses pick the database. */
@CamelSpringBootTest
@SpringBootTest(classes = ProfilesTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class AbstractProfilesApiTest {

    static final String UPPER = """
            {"id":"upper","name":"Upper","executable":"sample-cu",
             "args":["--mode","upper","${input}","${output}"],"output":"out.dat","timeoutSeconds":60}""";

    /** The token issuer the API trusts in these tests: a real one, over HTTP. */
    static final TestIssuer ISSUER = TestIssuer.start();

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    final ObjectMapper mapper = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Http http;

    @BeforeEach
    void cleanTable() {
        jdbc.update("DELETE FROM cu_profile");
        // a worker's profile API takes the orchestrator's credential (or an admin's)
        http = new Http("http://127.0.0.1:" + port + "/api/v1").bearer(ISSUER.tokens().token(DevTokens.ORCHESTRATOR));
    }

    int rows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM cu_profile", Integer.class);
    }

    String rowSnapshot() {
        return jdbc.queryForList("SELECT * FROM cu_profile ORDER BY id").toString();
    }

    static void assertProblem(Http.Response r, int status, String detailMentions) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        assertThat(r.contentType()).as("problem media type of %s", r).startsWith("application/problem+json");
        JsonNode body = r.json();
        assertThat(body.path("status").asInt()).as("status field of %s", r).isEqualTo(status);
        assertThat(body.path("detail").asText()).as("detail of %s", r).contains(detailMentions);
    }

    @Test
    void profileIsCreatedReadUpdatedAndDeleted() {
        Http.Response created = http.postJson("/profiles", UPPER);
        assertThat(created.status()).as("create: %s", created).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/profiles/upper");
        JsonNode p = created.json();
        assertThat(p.path("version").asLong()).isEqualTo(1);
        assertThat(p.path("successExitCodes").toString()).as("default exit codes").isEqualTo("[0]");
        assertThat(p.path("createdAt").asText()).as("ISO timestamp").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(rows()).isEqualTo(1);

        Http.Response read = http.get("/profiles/upper");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).as("read returns what create returned").isEqualTo(p);

        ObjectNode change = (ObjectNode) read.json();
        change.put("name", "Upper case");
        change.put("timeoutSeconds", 120);
        Http.Response updated = http.putJson("/profiles/upper", change.toString());
        assertThat(updated.status()).as("update: %s", updated).isEqualTo(200);
        assertThat(updated.json().path("version").asLong()).isEqualTo(2);
        assertThat(http.get("/profiles/upper").json().path("name").asText()).isEqualTo("Upper case");
        assertThat(http.get("/profiles/upper").json().path("timeoutSeconds").asInt()).isEqualTo(120);
        assertThat(http.get("/profiles/upper").json().path("createdAt")).isEqualTo(p.path("createdAt"));

        Http.Response deleted = http.delete("/profiles/upper");
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(rows()).isZero();
        assertProblem(http.get("/profiles/upper"), 404, "upper");
    }

    @Test
    void listIsOrderedByIdAndPaged() {
        for (String id : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
            assertThat(http.postJson("/profiles", UPPER.replace("\"id\":\"upper\"", "\"id\":\"" + id + "\"")).status()).isEqualTo(201);
        }
        JsonNode all = http.get("/profiles").json();
        assertThat(ids(all)).containsExactly("alpha", "bravo", "charlie", "delta", "echo");
        assertThat(all.path("total").asLong()).isEqualTo(5);

        JsonNode page = http.get("/profiles?limit=2&offset=1").json();
        assertThat(ids(page)).containsExactly("bravo", "charlie");
        assertThat(page.path("total").asLong()).isEqualTo(5);
        assertThat(page.path("limit").asInt()).isEqualTo(2);
        assertThat(page.path("offset").asInt()).isEqualTo(1);
        assertThat(ids(http.get("/profiles?limit=2&offset=4").json())).containsExactly("echo");
    }

    @ParameterizedTest(name = "limit={0} offset={1}")
    @CsvSource({"0,0,limit", "501,0,limit", "abc,0,limit", "10,-1,offset", "10,x,offset"})
    void badPagingIsRejectedWith400(String limit, String offset, String names) {
        assertProblem(http.get("/profiles?limit=" + limit + "&offset=" + offset), 400, names);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    /** Found by OpenApiFuzzTest: Tomcat answered these with its HTML error page, Spring with its own error JSON. */
    @ParameterizedTest
    @ValueSource(strings = {"/profiles/a%2Fb", "/profiles/a%5Cb", "/profiles/a%00b", "/profiles/%25zz"})
    void malformedPathsAreAnswered400AsProblemJson(String path) {
        assertProblem(http.get(path), 400, "malformed");
        assertProblem(http.delete(path), 400, "malformed");
    }

    @Test
    void malformedJsonIsRejectedWith400AndChangesNothing() {
        assertProblem(http.postJson("/profiles", "{\"id\":\"x\", \"name\": "), 400, "JSON");
        assertProblem(http.postJson("/profiles", "[1,2]"), 400, "");
        assertThat(rows()).isZero();
    }

    @Test
    void fieldOfTheWrongTypeIsRejectedWith400NamingIt() {
        assertProblem(http.postJson("/profiles", UPPER.replace("\"timeoutSeconds\":60", "\"timeoutSeconds\":\"soon\"")),
                400, "timeoutSeconds");
        assertProblem(http.postJson("/profiles", UPPER.replace("\"timeoutSeconds\":60", "\"timeoutSeconds\":1.5")),
                400, "timeoutSeconds");
        assertProblem(http.postJson("/profiles", UPPER.replace("\"output\"", "\"outptu\"")), 400, "outptu");
        // found by OpenApiFuzzTest: a time that is not one answered 500
        assertProblem(http.postJson("/profiles", UPPER.replace("{", "{\"createdAt\":\"soon\",")), 400, "createdAt");
        assertProblem(http.putJson("/profiles/upper", UPPER.replace("{", "{\"version\":1,\"updatedAt\":\"a\\nb\",")), 400, "updatedAt");
        assertThat(rows()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "id with capitals          | \"id\":\"upper\"          | \"id\":\"Upper\"                   | id",
            "id too long               | \"id\":\"upper\"          | \"id\":\"a1234567890123456789012345678901234567890123456789012345678901234\" | id",
            "id with a slash           | \"id\":\"upper\"          | \"id\":\"a/b\"                     | id",
            "missing id                | \"id\":\"upper\",         | ''                               | id",
            "missing name              | \"name\":\"Upper\",       | ''                               | name",
            "timeout zero              | \"timeoutSeconds\":60    | \"timeoutSeconds\":0              | timeoutSeconds",
            "timeout over a day        | \"timeoutSeconds\":60    | \"timeoutSeconds\":86401          | timeoutSeconds",
            "executable not allowed    | \"executable\":\"sample-cu\" | \"executable\":\"/bin/rm\"     | executable",
            "unknown placeholder       | \"${output}\"]           | \"${output}\",\"${home}\"]         | args[4]",
            "output is a path          | \"output\":\"out.dat\"    | \"output\":\"../etc/passwd\"       | output",
            "exit code out of range    | \"timeoutSeconds\":60    | \"timeoutSeconds\":60,\"successExitCodes\":[0,256] | successExitCodes[1]",
            "bad env name              | \"timeoutSeconds\":60    | \"timeoutSeconds\":60,\"env\":{\"A-B\":\"x\"} | env.A-B",
    })
    void invalidFieldIsRejectedWith422NamingTheField(String why, String from, String to, String field) {
        String body = UPPER.replace(from.trim(), to.trim());
        assertThat(body).as("the case '%s' changes the body", why).isNotEqualTo(UPPER);
        Http.Response r = http.postJson("/profiles", body);
        assertProblem(r, 422, field);
        assertThat(r.json().path("errors").toString()).as("field list").contains("\"field\":\"" + field + "\"");
        assertThat(rows()).as("nothing stored for %s", why).isZero();
    }

    /**
     * Issue 10, attacks 1 to 4 at save time, each for its whole kind: a profile may pass its executable only what the
     * allow-list says, and no loader, shell or interpreter variable whatever the allow-list says (other-cu lists
     * LD_PRELOAD and BASH_ENV in the test allow-list, and they are still refused).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "1 BASH_ENV runs code first     | sample-cu | [\"--mode\",\"copy\",\"${input}\",\"${output}\"] | {\"BASH_ENV\":\"$(id > cmdout)\"} | env.BASH_ENV",
            "1 BASH_ENV even if allowed     | other-cu  | [\"${output}\"]                       | {\"BASH_ENV\":\"input\"}          | env.BASH_ENV",
            "1 ENV of sh                    | other-cu  | [\"${output}\"]                       | {\"ENV\":\"input\"}               | env.ENV",
            "1 exported bash function       | other-cu  | [\"${output}\"]                       | {\"BASH_FUNC_cat%%\":\"() { id; }\"} | env.BASH_FUNC_cat%%",
            "1 SHELLOPTS xtrace             | other-cu  | [\"${output}\"]                       | {\"SHELLOPTS\":\"xtrace\"}        | env.SHELLOPTS",
            "1 PS4 with xtrace              | other-cu  | [\"${output}\"]                       | {\"PS4\":\"$(id)\"}               | env.PS4",
            "2 LD_PRELOAD even if allowed   | other-cu  | [\"${output}\"]                       | {\"LD_PRELOAD\":\"/tmp/x.so\"}    | env.LD_PRELOAD",
            "2 LD_LIBRARY_PATH              | sample-cu | [\"${input}\",\"${output}\"]          | {\"LD_LIBRARY_PATH\":\"/tmp\"}    | env.LD_LIBRARY_PATH",
            "2 LD_AUDIT                     | sample-cu | [\"${input}\",\"${output}\"]          | {\"LD_AUDIT\":\"x.so\"}           | env.LD_AUDIT",
            "2 GCONV_PATH                   | sample-cu | [\"${input}\",\"${output}\"]          | {\"GCONV_PATH\":\".\"}            | env.GCONV_PATH",
            "2 GLIBC_TUNABLES               | sample-cu | [\"${input}\",\"${output}\"]          | {\"GLIBC_TUNABLES\":\"x\"}        | env.GLIBC_TUNABLES",
            "2 PYTHONPATH                   | sample-cu | [\"${input}\",\"${output}\"]          | {\"PYTHONPATH\":\".\"}            | env.PYTHONPATH",
            "2 PERL5OPT                     | sample-cu | [\"${input}\",\"${output}\"]          | {\"PERL5OPT\":\"-Mx\"}            | env.PERL5OPT",
            "2 NODE_OPTIONS                 | sample-cu | [\"${input}\",\"${output}\"]          | {\"NODE_OPTIONS\":\"-r x\"}       | env.NODE_OPTIONS",
            "2 JAVA_TOOL_OPTIONS            | sample-cu | [\"${input}\",\"${output}\"]          | {\"JAVA_TOOL_OPTIONS\":\"x\"}     | env.JAVA_TOOL_OPTIONS",
            "2 PATH is the worker's         | sample-cu | [\"${input}\",\"${output}\"]          | {\"PATH\":\".\"}                  | env.PATH",
            "2 lower-case name              | sample-cu | [\"${input}\",\"${output}\"]          | {\"ld_preload\":\"x\"}            | env.ld_preload",
            "2 variable not in the list     | sample-cu | [\"${input}\",\"${output}\"]          | {\"CONNECTA_X\":\"1\"}            | env.CONNECTA_X",
            "2 value with a newline         | other-cu  | [\"${output}\"]                       | {\"QUOTE\":\"a\\nb\"}            | env.QUOTE",
            "2 value outside its pattern    | other-cu  | [\"${output}\"]                       | {\"LEVEL\":\"10\"}                | env.LEVEL",
            "1 free file name positional    | sample-cu | [\"--mode\",\"copy\",\"cmdout\",\"${output}\"] | {}                    | args[2]",
            "3 absolute path positional     | sample-cu | [\"--mode\",\"copy\",\"/etc/passwd\",\"${output}\"] | {}               | args[2]",
            "3 relative path with ..        | sample-cu | [\"--mode\",\"copy\",\"../../etc/passwd\",\"${output}\"] | {}          | args[2]",
            "3 placeholder then ..          | sample-cu | [\"--mode\",\"copy\",\"${workDir}/../x\",\"${output}\"] | {}           | args[2]",
            "3 path after --                | sample-cu | [\"--\",\"/etc/passwd\",\"${output}\"] | {}                               | args[1]",
            "3 --opt=path                   | sample-cu | [\"--mode=/etc/passwd\",\"${input}\",\"${output}\"] | {}             | args[0]",
            "3 option value is a path       | sample-cu | [\"--stderr\",\"/etc/passwd\",\"${input}\",\"${output}\"] | {}      | args[1]",
            "3 option value with ..         | sample-cu | [\"--stderr\",\"..\",\"${input}\",\"${output}\"] | {}               | args[1]",
            "3 option value not in the enum | sample-cu | [\"--mode\",\"rm\",\"${input}\",\"${output}\"] | {}                 | args[1]",
            "3 placeholder the option lacks | other-cu  | [\"--in=${output}\",\"${output}\"]    | {}                              | args[0]",
            "3 unknown option               | sample-cu | [\"--input-file\",\"x\",\"${input}\",\"${output}\"] | {}          | args[0]",
            "3 flag with a value            | other-cu  | [\"--verbose=/etc/passwd\",\"${output}\"] | {}                      | args[0]",
            "3 option without its value     | sample-cu | [\"${input}\",\"${output}\",\"--mode\"] | {}                      | args[2]",
            "4 absolute output path         | sample-cu | [\"--mode\",\"copy\",\"${input}\",\"/var/tmp/x.txt\"] | {}           | args[3]",
            "4 placeholder not allowed here | other-cu  | [\"${input}\"]                        | {}                              | args[0]",
            "4 work dir sub-folder          | sample-cu | [\"${input}\",\"${workDir}/a/b\"]      | {}                              | args[1]",
    })
    void argumentOrVariableOutsideThePolicyIsRejectedWith422NamingIt(String why, String executable, String args,
                                                                   String env, String field) throws Exception {
        ObjectNode p = (ObjectNode) mapper.readTree(UPPER);
        p.put("executable", executable);
        p.set("args", mapper.readTree(args));
        p.set("env", mapper.readTree(env));

        Http.Response r = http.postJson("/profiles", p.toString());

        assertProblem(r, 422, field);
        assertThat(r.json().path("errors").toString()).as("%s: the field is named", why)
                .contains("\"field\":\"" + field + "\"");
        assertThat(rows()).as("nothing stored for %s", why).isZero();
    }

    @Test
    void everyFormThePolicyAllowsIsAccepted() throws Exception {
        ObjectNode p = (ObjectNode) mapper.readTree(UPPER);
        p.put("executable", "other-cu");
        p.set("args", mapper.readTree("[\"--verbose\",\"--in=${input}\",\"--in\",\"${input}\",\"--text=a b\","
                + "\"--text\",\"-x\",\"--\",\"${output}\"]"));
        p.set("env", mapper.readTree("{\"LEVEL\":\"5\",\"QUOTE\":\"it's \\\"fine\\\"\"}"));

        assertThat(http.postJson("/profiles", p.toString()).status()).as("flags, --opt=value, --opt value, a value"
                + " that looks like an option, --, allowed variables").isEqualTo(201);
        assertThat(http.postJson("/profiles", UPPER.replace("\"upper\",\"${input}\",\"${output}\"",
                "\"wc\",\"--sleep=2\",\"--stderr\",\"note: done\",\"${input}\",\"${workDir}/out.dat\"")
                .replace("\"id\":\"upper\"", "\"id\":\"wc\"")).status())
                .as("the sample CU's options, and a plain name in the work dir").isEqualTo(201);
    }

    @Test
    void duplicateIdIsRejectedWith409() {
        assertThat(http.postJson("/profiles", UPPER).status()).isEqualTo(201);
        String before = rowSnapshot();
        assertProblem(http.postJson("/profiles", UPPER.replace("\"Upper\"", "\"Another\"")), 409, "exists");
        assertThat(rowSnapshot()).as("the first profile is untouched").isEqualTo(before);
    }

    @Test
    void staleVersionIsRejectedWith409() {
        JsonNode v1 = http.postJson("/profiles", UPPER).json();
        ObjectNode first = v1.deepCopy();
        first.put("name", "first writer");
        assertThat(http.putJson("/profiles/upper", first.toString()).status()).isEqualTo(200);
        String before = rowSnapshot();

        ObjectNode second = v1.deepCopy();
        second.put("name", "second writer, stale");
        assertProblem(http.putJson("/profiles/upper", second.toString()), 409, "newer version");
        assertThat(rowSnapshot()).as("the stale write changed nothing").isEqualTo(before);
        assertThat(http.get("/profiles/upper").json().path("name").asText()).isEqualTo("first writer");
    }

    @Test
    void updateWithoutVersionOrWithAnotherIdIsRejected() {
        http.postJson("/profiles", UPPER);
        String before = rowSnapshot();
        assertProblem(http.putJson("/profiles/upper", UPPER), 422, "version");
        ObjectNode other = http.get("/profiles/upper").json().deepCopy();
        other.put("id", "other");
        assertProblem(http.putJson("/profiles/upper", other.toString()), 422, "id");
        assertThat(rowSnapshot()).isEqualTo(before);
    }

    @Test
    void unknownIdIsAnswered404() {
        ObjectNode body = (ObjectNode) http.postJson("/profiles", UPPER).json();
        body.put("id", "nope");
        assertProblem(http.get("/profiles/nope"), 404, "nope");
        assertProblem(http.putJson("/profiles/nope", body.toString()), 404, "nope");
        assertProblem(http.delete("/profiles/nope"), 404, "nope");
        assertProblem(http.get("/profiles/NOT..valid"), 404, "NOT..valid");
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void wrongMediaTypeIsRejectedWith415() {
        assertProblem(http.send("POST", "/profiles", "text/plain", UPPER.getBytes()), 415, "text/plain");
        assertProblem(http.send("POST", "/profiles", "application/xml", "<p/>".getBytes()), 415, "application/xml");
        assertThat(rows()).isZero();
    }

    @Test
    void oversizedBodyIsRejectedWith413() {
        String big = UPPER.replace("\"Upper\"", "\"" + "x".repeat(70_000) + "\"");
        assertProblem(http.postJson("/profiles", big), 413, "limit");
        assertThat(rows()).isZero();
    }

    @Test
    void hostileStringsAreStoredAndReturnedByteForByte() throws Exception {
        String name = "Robert'); DROP TABLE cu_profile; -- \"quoted\" \\back\\slash";
        String description = "1' OR '1'='1; SELECT * FROM pg_user; /* comment */ ünïcödé ✓ 😀 \t tab";
        ObjectNode p = (ObjectNode) mapper.readTree(UPPER);
        p.put("name", name);
        p.put("description", description);
        // other-cu: the test allow-list lets it take free text and the variables QUOTE and SQL
        p.put("executable", "other-cu");
        p.putArray("args").add("--text").add("'; DELETE FROM cu_profile; --").add("${output}");
        p.putObject("env").put("QUOTE", "a\"b'c;d").put("SQL", "'); TRUNCATE cu_profile; --");
        assertThat(http.postJson("/profiles", p.toString()).status()).isEqualTo(201);

        JsonNode back = http.get("/profiles/upper").json();
        assertThat(back.path("name").asText()).isEqualTo(name);
        assertThat(back.path("description").asText()).isEqualTo(description);
        assertThat(back.path("args")).isEqualTo(p.path("args"));
        assertThat(back.path("env")).isEqualTo(p.path("env"));
        assertThat(rows()).as("the table is intact").isEqualTo(1);
    }

    @Test
    void openApiDocumentDescribesTheProfileOperations() {
        Http.Response doc = http.get("/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        JsonNode paths = doc.json().path("paths");
        assertThat(paths.path("/profiles").has("get")).isTrue();
        assertThat(paths.path("/profiles").has("post")).isTrue();
        assertThat(paths.path("/profiles/{profileId}").has("put")).isTrue();
        assertThat(paths.path("/profiles/{profileId}").has("delete")).isTrue();
        assertThat(paths.path("/profiles").path("post").path("responses").has("422")).isTrue();
    }
}
