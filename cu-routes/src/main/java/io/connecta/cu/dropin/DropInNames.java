package io.connecta.cu.dropin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * File names the drop-in makes from a dropped file's name, kept within the 255 bytes a file system allows (issue 10:
 * a 240-byte name plus a suffix failed with "File name too long" and ran again every second). A name that would not
 * fit is cut at a character boundary and gets {@code ~} and 8 hex digits of its SHA-256, so different long names stay
 * different; its extension is kept.
 */
final class DropInNames {

    static final int MAX_BYTES = 255;
    private static final int MAX_EXTENSION_BYTES = 16;

    private DropInNames() {
    }

    /** {@code name}, or a shortened one, such that {@code name + reserve} bytes fit in a file name. */
    static String fit(String name, int reserveBytes) {
        int limit = MAX_BYTES - reserveBytes;
        if (bytes(name) <= limit) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && bytes(name.substring(dot)) <= MAX_EXTENSION_BYTES ? name.substring(dot) : "";
        String base = name.substring(0, name.length() - extension.length());
        String mark = "~" + hash(name);
        return cut(base, limit - bytes(extension) - bytes(mark)) + mark + extension;
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of {@code s} of at most {@code max} UTF-8 bytes, never half a character. */
    private static String cut(String s, int max) {
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = bytes(new String(Character.toChars(cp)));
            if (used + size > max) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
