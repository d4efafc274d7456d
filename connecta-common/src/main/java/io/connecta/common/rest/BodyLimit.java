package io.connecta.common.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes of a request body as they are read and stops past a limit (for bodies of unknown length). */
public final class BodyLimit {

    private final long max;
    private long read;

    public BodyLimit(long max) {
        this.max = max;
    }

    public void count(long n) throws BodyTooLargeException {
        if (n > 0) {
            read += n;
            if (read > max) {
                throw new BodyTooLargeException(max);
            }
        }
    }

    /** The stream, cut off with {@link BodyTooLargeException} once more than {@code max} bytes were read. */
    public static InputStream limit(InputStream in, long max) {
        BodyLimit limit = new BodyLimit(max);
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                limit.count(b >= 0 ? 1 : 0);
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                limit.count(n);
                return n;
            }
        };
    }
}
