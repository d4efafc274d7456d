package io.connecta.common.rest;

import java.io.IOException;

/**
 * The client stopped sending a request body before its end: it disconnected, or sent nothing for longer than the
 * server's connection timeout ({@code server.tomcat.connection-timeout}). Whatever the request had started is
 * abandoned; answered as 400 if the client is still there to read it.
 */
public class IncompleteBodyException extends IOException {

    public IncompleteBodyException(IOException cause) {
        super("the request body ended before it was complete (the client disconnected or stalled): "
                + cause.getClass().getSimpleName(), cause);
    }
}
