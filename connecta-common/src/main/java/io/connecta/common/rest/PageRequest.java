package io.connecta.common.rest;

import io.connecta.common.problem.ApiProblemException;
import org.apache.camel.Message;

/** {@code limit} and {@code offset} query parameters, checked. */
public record PageRequest(int limit, int offset) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public static PageRequest of(Message message) {
        int limit = intParam(message, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(message, "offset", 0, 0, Integer.MAX_VALUE);
        return new PageRequest(limit, offset);
    }

    private static int intParam(Message message, String name, int fallback, int min, int max) {
        String raw = message.getHeader(name, String.class);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblemException.badRequest("query parameter '" + name + "' must be an integer between " + min
                + " and " + max + ", was '" + raw + "'");
    }
}
