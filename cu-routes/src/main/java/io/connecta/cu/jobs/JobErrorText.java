package io.connecta.cu.jobs;

import io.connecta.common.ops.Printable;

import java.util.regex.Pattern;

/**
 * A job's failure reason as the API and the drop-in's reason files show it (issue 10): no absolute server paths (a path
 * becomes its last segment: {@code /srv/connecta/var/work/<id>/out.dat} → {@code out.dat}), no Java class names
 * ({@code java.io.IOException: } is dropped), control characters escaped as {@code \\u0000} (invalid UTF-8 of a CU's
 * stderr is already U+FFFD, see {@code CuCommandExecutor.tail}). The full story stays in the worker's log.
 */
public final class JobErrorText {

    /** {@code java.nio.file.NoSuchFileException: } and the like, with or without the colon. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error|Throwable)\\b:?\\s*");

    /** An absolute path of two or more segments; the last one is kept (group 1). */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile(
            "(?<![\\w.~/-])/(?:[^\\s/'\":;,()\\[\\]]+/)+([^\\s/'\":;,()\\[\\]]+)");

    private static final int MAX = 8192;

    private JobErrorText() {
    }

    public static String forApi(String reason) {
        if (reason == null) {
            return null;
        }
        String text = CLASS_NAME.matcher(reason).replaceAll("");
        text = ABSOLUTE_PATH.matcher(text).replaceAll("$1");
        // the lines of a CU's stderr tail stay (the reason is a JSON string, not a log line); NUL and other control
        // characters are escaped, so the orchestrator can store the reason in any database
        return Printable.storable(text, MAX);
    }
}
