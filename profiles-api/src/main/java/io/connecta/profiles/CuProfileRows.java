package io.connecta.profiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
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
        // H2 reports column labels in upper case, PostgreSQL in lower case
        Map<String, Object> r = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.putAll(row);
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
                instant(r.get("created_at")),
                instant(r.get("updated_at")));
    }

    public List<CuProfile> fromRows(List<Map<String, Object>> rows) {
        return rows.stream().map(this::fromRow).toList();
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        throw new IllegalStateException("unexpected timestamp type " + (value == null ? null : value.getClass()));
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
