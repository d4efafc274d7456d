package io.connecta.common.rest;

import java.io.IOException;

/** A request body went past its size limit while it was read. */
public class BodyTooLargeException extends IOException {

    public BodyTooLargeException(long limit) {
        super("request body is larger than the limit of " + limit + " bytes");
    }
}
