package io.connecta.profiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.sql.Rows;
import org.springframework.stereotype.Component;

import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Maps profiles to the named SQL parameters of {@code cu_profile} and rows back to profiles. */
@Component
public class CuProfileRows {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<Integer>> INTEGERS = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private final ObjectMapper json;

    public CuProfileRows(ObjectMapper json) {
        this.json = json;
    }

    public Map<String, Object> toParams(CuProfile p) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", p.id());
        params.put("name", p.name());
        params.put("description", p.description());
        params.put("executable", p.executable());
        params.put("argsJson", write(p.args()));
        params.put("envJson", write(new TreeMap<>(p.env())));
        params.put("timeoutSeconds", p.timeoutSeconds());
        params.put("successExitCodes", write(p.successExitCodes()));
        params.put("output", p.output());
        params.put("version", p.version());
        params.put("createdAt", p.createdAt() == null ? null : p.createdAt().atOffset(ZoneOffset.UTC));
        params.put("updatedAt", p.updatedAt().atOffset(ZoneOffset.UTC));
        return params;
    }

    public CuProfile fromRow(Map<String, Object> row) {
        Map<String, Object> r = Rows.caseInsensitive(row);
        return new CuProfile(
                (String) r.get("id"),
                (String) r.get("name"),
                (String) r.get("description"),
                (String) r.get("executable"),
                read((String) r.get("args_json"), STRINGS),
                read((String) r.get("env_json"), STRING_MAP),
                ((Number) r.get("timeout_seconds")).intValue(),
                read((String) r.get("success_exit_codes"), INTEGERS),
                (String) r.get("output_name"),
                ((Number) r.get("version")).longValue(),
                Rows.instant(r.get("created_at")),
                Rows.instant(r.get("updated_at")));
    }

    public List<CuProfile> fromRows(List<Map<String, Object>> rows) {
        return rows.stream().map(this::fromRow).toList();
    }


    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON column: " + e.getOriginalMessage(), e);
        }
    }
}
