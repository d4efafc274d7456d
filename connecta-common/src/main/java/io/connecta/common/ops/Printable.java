package io.connecta.common.ops;

/**
 * Outsider text (a dropped file's name, a profile's argument, a CU's stderr) as it may appear in a log line or an
 * answer: control characters escaped as {@code \\uXXXX}, so a name with a newline cannot forge a log line, and the
 * length bounded.
 */
public final class Printable {

    private Printable() {
    }

    /** The text on one line: every control character escaped, cut to {@code max} characters (marked with …). */
    public static String of(String text, int max) {
        return escape(text, max, false);
    }

    /** {@link #of(String, int)} with a bound that keeps the longest file name (255 bytes) whole. */
    public static String of(String text) {
        return of(text, 300);
    }

    /** Multi-line text (a CU's stderr): newlines and tabs kept, every other control character escaped. */
    public static String keepingLines(String text, int max) {
        return escape(text, max, true);
    }

    /**
     * Text a worker or a client handed over, as it is stored (a database column, a result message): newlines and
     * tabs kept, NUL and every other control character as the six characters {@code \\u0000} (PostgreSQL's text
     * types take no NUL at all), a lone surrogate half (never valid UTF-16, not encodable as UTF-8) as U+FFFD, and at
     * most {@code max} characters in all, escapes included (the column's length), cut with …. Invalid UTF-8 never
     * gets this far: it is decoded as U+FFFD where the bytes are read (a CU's stderr). {@code null} stays
     * {@code null}.
     */
    public static String storable(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(Character.getType(c) == Character.SURROGATE ? 0xFFFD : c);
            }
        });
        if (out.length() <= max) {
            return out.toString();
        }
        int cut = max - 1;
        if (Character.isHighSurrogate(out.charAt(cut - 1))) {
            cut--;
        }
        return out.substring(0, cut) + "…";
    }

    private static String escape(String text, int max, boolean keepLines) {
        if (text == null) {
            return "null";
        }
        String shown = text.length() > max ? text.substring(0, max) + "…" : text;
        StringBuilder out = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c) && !(keepLines && (c == '\n' || c == '\t'))) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
