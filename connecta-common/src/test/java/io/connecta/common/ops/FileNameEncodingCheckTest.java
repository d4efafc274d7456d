package io.connecta.common.ops;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12, fault 6: an app whose JVM cannot name non-ASCII files says so at start-up, with the fix. */
class FileNameEncodingCheckTest {

    @Test
    void utf8FileNamesAreFine() {
        assertThat(FileNameEncodingCheck.problem("UTF-8")).isEmpty();
        assertThat(FileNameEncodingCheck.problem("UTF8")).as("an alias of UTF-8").isEmpty();
    }

    @Test
    void asciiFileNamesOfLcAllCAreAnErrorThatSaysHowToFixIt() {
        // what a JVM started under LC_ALL=C reports on Linux
        assertThat(FileNameEncodingCheck.problem("ANSI_X3.4-1968")).get().asString()
                .contains("sun.jnu.encoding=ANSI_X3.4-1968").contains("LC_ALL=C.UTF-8");
        assertThat(FileNameEncodingCheck.problem(null)).as("unknown is not UTF-8").isPresent();
        assertThat(FileNameEncodingCheck.problem("no-such-charset")).isPresent();
    }
}
