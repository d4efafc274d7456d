package io.connecta.common.blob;

import java.util.regex.Pattern;

/**
 * Checks blob ids before any store touches storage. A blob id is {@code [A-Za-z0-9][A-Za-z0-9._/-]{0,511}}
 * with {@code /} separating segments: no empty segment ({@code //}, a leading or trailing {@code /}) and no
 * {@code .} or {@code ..} segment, so an id names exactly one path below a store's root and never climbs out.
 */
public final class BlobIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,511}");

    private BlobIds() {
    }

    /** Returns the id when it is a valid blob id; otherwise throws {@link IllegalArgumentException} saying why. */
    public static String check(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("blob id is missing (header " + BlobStore.BLOB_ID + ")");
        }
        if (id.startsWith("/")) {
            throw new IllegalArgumentException("blob id '" + id + "' must not start with '/'");
        }
        if (id.length() > 512) {
            throw new IllegalArgumentException("blob id is " + id.length() + " characters long; at most 512 are allowed");
        }
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("blob id '" + id
                    + "' must start with a letter or digit and hold only letters, digits, '.', '_', '-' and '/'");
        }
        if (id.endsWith("/") || id.contains("//")) {
            throw new IllegalArgumentException("blob id '" + id + "' must not contain an empty segment ('//' or a trailing '/')");
        }
        for (String segment : id.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("blob id '" + id + "' must not contain a '" + segment + "' segment");
            }
        }
        return id;
    }
}
