package io.connecta.cu.jobs;

import io.connecta.common.ops.Printable;

import java.util.regex.Pattern;

/**
 * A job's failure reason as the API and the drop-in's reason files show it (issue 10): no absolute server paths (a path
 * becomes its last segment: {@code /srv/connecta/var/work/<id>/out.dat} → {@code out.dat}), no Java class names
 * ({@code java.io.IOException: } is dropped, {@code java.lang.String} becomes {@code String}), control characters
 * escaped as {@code \\u0000} (invalid UTF-8 of a CU's stderr is already U+FFFD, see {@code CuCommandExecutor}). The
 * full story stays in the worker's log.
 */
public final class JobErrorText {

    /** {@code java.nio.file.NoSuchFileException: } and the like, with or without the colon. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error|Throwable)\\b:?\\s*");

    /** Any other qualified Java name ({@code java.nio.file.Path}, {@code io.connecta.Foo}): its simple one. */
    private static final Pattern QUALIFIED_NAME = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.){2,}([A-Z][A-Za-z0-9_$]*)");

    /** An absolute path of two or more segments, also as {@code file:///…} or {@code //…}; the last one is kept. */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile(
            "(?<![\\w.~/-])/+(?:[^\\s/'\":;,()\\[\\]]+/)+([^\\s/'\":;,()\\[\\]]+)");

    private static final int MAX = 8192;

    private JobErrorText() {
    }

    public static String forApi(String reason) {
        if (reason == null) {
            return null;
        }
        String text = CLASS_NAME.matcher(reason).replaceAll("");
        text = QUALIFIED_NAME.matcher(text).replaceAll("$1");
        text = ABSOLUTE_PATH.matcher(text).replaceAll("$1");
        // the lines of a CU's stderr tail stay (the reason is a JSON string, not a log line); NUL and other control
        // characters are escaped, so the orchestrator can store the reason in any database
        return Printable.storable(text, MAX);
    }
}
