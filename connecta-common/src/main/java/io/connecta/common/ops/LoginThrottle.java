package io.connecta.common.ops;

/**
 * Slows down password guessing, for HTTP Basic and Hawtio's login form alike: how long a client (its address) must
 * wait before it may try a user name again, and what each attempt did. Keyed by client and user name, so a caller
 * failing from one address never locks the operator out at another.
 */
public interface LoginThrottle {

    /** Seconds until this client's next attempt for this user name is allowed; 0 when it may go ahead. */
    long retryAfterSeconds(String client, String username);

    void failed(String client, String username);

    void succeeded(String client, String username);

    static LoginThrottle none() {
        return new LoginThrottle() {
            @Override
            public long retryAfterSeconds(String client, String username) {
                return 0;
            }

            @Override
            public void failed(String client, String username) {
            }

            @Override
            public void succeeded(String client, String username) {
            }
        };
    }
}
