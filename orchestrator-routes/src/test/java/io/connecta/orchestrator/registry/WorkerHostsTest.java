package io.connecta.orchestrator.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerHostsTest {

    final WorkerHosts hosts = new WorkerHosts(List.of("10.1.0.0/16", "192.168.5.7", "fd00::/8", "cu-1.workers.example"));

    @ParameterizedTest
    @ValueSource(strings = {"10.1.0.1", "10.1.255.254", "192.168.5.7", "[fd00::1]", "cu-1.workers.example", "CU-1.Workers.Example"})
    void allowed(String host) {
        assertThat(hosts.allows(host)).as(host).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.2.0.1", "192.168.5.8", "127.0.0.1", "[::1]", "[fe80::1]", "workers.example",
            "evil.cu-1.workers.example", "cu-1.workers.example.evil", "localhost", "169.254.169.254"})
    void refused(String host) {
        assertThat(hosts.allows(host)).as(host).isFalse();
    }

    @Test
    void nothingConfiguredAllowsNothing() {
        assertThat(new WorkerHosts(List.of()).allows("127.0.0.1")).isFalse();
    }

    @Test
    void aMalformedEntryIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> new WorkerHosts(List.of("http://x/")))
                .hasMessageContaining("connecta.orchestrator.registry.allowed-hosts");
    }
}
