package io.connecta.common.blob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlobIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "job-1/input.dat", "Z9/x_y.z/..a/b..", "a/.hidden"})
    void validIdsPass(String id) {
        assertThat(BlobIds.check(id)).as("a valid id is returned unchanged").isEqualTo(id);
    }

    @Test
    void idOf512CharactersPassesAnd513IsRejected() {
        assertThat(BlobIds.check("a".repeat(512))).as("512 characters is the limit").hasSize(512);
        assertThatThrownBy(() -> BlobIds.check("a".repeat(513))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 512");
    }

    @ParameterizedTest(name = "''{0}'' is rejected: {1}")
    @CsvSource(delimiter = '|', value = {
            "''         | missing",
            "../x       | must start with a letter or digit",
            "/abs       | must not start with '/'",
            "a//b       | empty segment",
            "a/         | empty segment",
            "a/../b     | '..' segment",
            "a/./b      | '.' segment",
            "a/..       | '..' segment",
            "a b        | only letters, digits",
            "a\\b       | only letters, digits",
            "a~tmp      | only letters, digits",
            ".x         | must start with a letter or digit",
    })
    void badIdsAreRejectedSayingWhy(String id, String reason) {
        assertThatThrownBy(() -> BlobIds.check(id)).as("id '%s'", id)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }

    @Test
    void nullIdIsRejected() {
        assertThatThrownBy(() -> BlobIds.check(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BlobStore.BLOB_ID);
    }
}
