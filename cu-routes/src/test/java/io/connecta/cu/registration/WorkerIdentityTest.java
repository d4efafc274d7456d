package io.connecta.cu.registration;

import io.connecta.common.worker.WorkerRegistration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's identity: a stable instance id, and an incarnation of its own at every start (issue 12). */
class WorkerIdentityTest {

    @Test
    void eachStartIsANewIncarnationOfTheSameInstanceAndRegistersAsSuch() {
        WorkerProperties properties = new WorkerProperties();
        properties.setInstanceId("cu-a");
        WorkerIdentity first = new WorkerIdentity(properties, new MockEnvironment());
        WorkerIdentity restarted = new WorkerIdentity(properties, new MockEnvironment());

        WorkerRegistration registration = first.registration();

        assertThat(UUID.fromString(first.incarnation())).as("a UUID").isNotNull();
        assertThat(registration.incarnation()).as("the registration carries it").isEqualTo(first.incarnation());
        assertThat(restarted.instanceId()).as("the same instance").isEqualTo(first.instanceId());
        assertThat(restarted.incarnation()).as("another incarnation").isNotEqualTo(first.incarnation());
    }
}
