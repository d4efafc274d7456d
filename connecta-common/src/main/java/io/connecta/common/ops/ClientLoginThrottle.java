package io.connecta.common.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The login throttle of both apps (in memory): a client may fail {@code free-failures} times for a user name, then
 * waits {@code initial-wait}, doubling with every further failure up to {@code max-wait}; a success clears its record.
 * The key is the pair (client address, user name): failures from one address never slow down another.
 */
final class ClientLoginThrottle implements LoginThrottle {

    /** More records than this (a spray of addresses or names) drops the ones whose wait is over. */
    private static final int MAX_RECORDS = 10_000;

    private record Key(String client, String username) {
    }

    private record Failures(int count, Instant blockedUntil) {
    }

    private final Map<Key, Failures> failures = new ConcurrentHashMap<>();
    private final OpsProperties.LoginThrottling settings;
    private final Clock clock;

    ClientLoginThrottle(OpsProperties.LoginThrottling settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public long retryAfterSeconds(String client, String username) {
        Failures f = failures.get(new Key(client, username));
        if (f == null) {
            return 0;
        }
        long millis = Duration.between(clock.instant(), f.blockedUntil()).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    @Override
    public void failed(String client, String username) {
        if (failures.size() >= MAX_RECORDS) {
            Instant now = clock.instant();
            failures.values().removeIf(f -> !f.blockedUntil().isAfter(now));
        }
        failures.compute(new Key(client, username), (k, f) -> {
            int count = f == null ? 1 : f.count() + 1;
            return new Failures(count, clock.instant().plus(waitAfter(count)));
        });
    }

    @Override
    public void succeeded(String client, String username) {
        failures.remove(new Key(client, username));
    }

    /** None below {@code free-failures}; from there the initial wait, doubled for each failure beyond. */
    private Duration waitAfter(int count) {
        int over = count - settings.getFreeFailures();
        if (over < 0) {
            return Duration.ZERO;
        }
        Duration wait = settings.getInitialWait();
        for (int i = 0; i < over && wait.compareTo(settings.getMaxWait()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.getMaxWait()) > 0 ? settings.getMaxWait() : wait;
    }
}
