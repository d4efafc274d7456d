package io.connecta.common.ops;

/** Slows down password guessing on the login form: how long a user name must wait, and what each attempt did. */
public interface LoginThrottle {

    /** Seconds until the next attempt for this user name is allowed; 0 when it may go ahead. */
    long retryAfterSeconds(String username);

    void failed(String username);

    void succeeded(String username);

    static LoginThrottle none() {
        return new LoginThrottle() {
            @Override
            public long retryAfterSeconds(String username) {
                return 0;
            }

            @Override
            public void failed(String username) {
            }

            @Override
            public void succeeded(String username) {
            }
        };
    }
}
