package io.connecta.common.ops;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ClientLoginThrottleTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();
    final OpsProperties.LoginThrottling settings = new OpsProperties.LoginThrottling();
    final ClientLoginThrottle throttle = new ClientLoginThrottle(settings, clock);

    @Test
    void aClientWaitsAfterItsFreeFailuresAndTheWaitDoublesUpToTheMaximum() {
        settings.setMaxWait(Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.9", "admin");
            assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).as("failure %d is free", i + 1).isZero();
        }
        throttle.failed("10.0.0.9", "admin");
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).as("after the 5th").isEqualTo(1);
        throttle.failed("10.0.0.9", "admin");
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).isEqualTo(2);
        throttle.failed("10.0.0.9", "admin");
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).isEqualTo(4);
        throttle.failed("10.0.0.9", "admin");
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).as("capped").isEqualTo(5);
        clock.now = clock.now.plusSeconds(5);
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).as("the wait is over").isZero();
    }

    @Test
    void anotherAddressOrAnotherUserNameIsNotSlowedDown() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("10.0.0.9", "admin");
        }
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).isPositive();
        assertThat(throttle.retryAfterSeconds("10.0.0.1", "admin")).as("the operator at another address").isZero();
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "other")).isZero();
    }

    @Test
    void aSuccessClearsTheRecord() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.9", "admin");
        }
        throttle.succeeded("10.0.0.9", "admin");
        throttle.failed("10.0.0.9", "admin");
        assertThat(throttle.retryAfterSeconds("10.0.0.9", "admin")).isZero();
    }
}
