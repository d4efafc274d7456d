package io.connecta.common.sql;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

/** Reading camel-sql rows the same way on H2 and PostgreSQL. */
public final class Rows {

    private Rows() {
    }

    /** H2 reports column labels in upper case, PostgreSQL in lower case. */
    public static Map<String, Object> caseInsensitive(Map<String, Object> row) {
        Map<String, Object> r = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.putAll(row);
        return r;
    }

    /** A TIMESTAMP WITH TIME ZONE value: H2 gives OffsetDateTime, PostgreSQL Timestamp. */
    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }

    public static Long longOrNull(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }
}
