package io.connecta.orchestrator.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.ops.health.LocalBlobStoreProbe;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness covers the database and the blob store, and follows the blob store down and up again. */
class OpsHealthTest extends OpsTestSupport {

    @Autowired
    LocalBlobStoreProbe blobs;

    Path away;

    @AfterEach
    void putBlobRootBack() throws IOException {
        if (away != null && Files.exists(away)) {
            Files.move(away, blobs.root());
        }
    }

    String readinessOf(String component) {
        return http.get("/actuator/health/readiness").json().path("components").path(component).path("status").asText();
    }

    @Test
    void readinessListsDatabaseAndBlobStore() {
        Http.Response r = http.get("/actuator/health/readiness");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode components = r.json().path("components");
        assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("blobStore").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("readinessState").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("blobStore").has("details")).as("no details without the operator login").isFalse();

        JsonNode detailed = getAsOperator("/actuator/health/readiness").json().path("components").path("blobStore");
        assertThat(detailed.path("details").path("root").asText()).isEqualTo(blobs.root().toString());
    }

    @Test
    void readinessGoesDownWhenTheBlobRootIsGoneAndUpWhenItIsBack() throws IOException {
        assertThat(readinessOf("blobStore")).isEqualTo("UP");

        away = blobs.root().resolveSibling(blobs.root().getFileName() + "-unmounted");
        Files.move(blobs.root(), away);
        Await.until("readiness reports the blob store DOWN", () -> http.get("/actuator/health/readiness").status() == 503);
        assertThat(readinessOf("blobStore")).isEqualTo("DOWN");
        assertThat(http.get("/actuator/health/liveness").status()).as("liveness does not depend on it").isEqualTo(200);

        Files.move(away, blobs.root());
        Await.until("readiness is UP again", () -> http.get("/actuator/health/readiness").status() == 200);
        assertThat(readinessOf("blobStore")).isEqualTo("UP");
    }

    @Test
    void readinessGoesDownWhenTheBlobRootIsNotAFolder() throws IOException {
        away = blobs.root().resolveSibling(blobs.root().getFileName() + "-moved");
        Files.move(blobs.root(), away);
        Files.writeString(blobs.root(), "not a folder");
        try {
            Await.until("readiness reports the blob store DOWN", () -> http.get("/actuator/health/readiness").status() == 503);
        } finally {
            Files.delete(blobs.root());
        }
    }
}
