package io.connecta.common.ops;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The API docs page ({@code /api-docs/}): Swagger UI (the org.webjars:swagger-ui webjar) over the OpenAPI documents
 * this app serves, listed in {@code connecta.ops.api-docs} as {@code name=path} entries.
 */
@Controller
public class ApiDocsController {

    private final List<String> documents;

    public ApiDocsController(OpsProperties ops) {
        this.documents = ops.getApiDocs();
    }

    @GetMapping({"/api-docs", "/api-docs/"})
    public String page() {
        return "forward:/api-docs/index.html";
    }

    /** [{name, url}] for the page's document picker. */
    @GetMapping(value = "/api-docs/documents.json", produces = "application/json")
    @ResponseBody
    public List<Map<String, String>> documents() {
        List<Map<String, String>> list = new ArrayList<>();
        for (String entry : documents) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                list.add(Map.of("name", entry.substring(0, eq).trim(), "url", entry.substring(eq + 1).trim()));
            }
        }
        return list;
    }
}
