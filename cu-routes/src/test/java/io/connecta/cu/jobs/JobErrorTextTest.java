package io.connecta.cu.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 10: job errors in the API carry no absolute server paths, no Java class names, no raw control characters. */
class JobErrorTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "work dir path           | the work directory /work/x/var/work/1a2b-3c does not exist | the work directory 1a2b-3c does not exist",
            "output path             | the CU wrote no output file /srv/connecta/var/work/1a/out.dat | the CU wrote no output file out.dat",
            "stderr with a path      | exit code 66; stderr: sample-cu: cannot read input /var/work/j/input | exit code 66; stderr: sample-cu: cannot read input input",
            "class name and message  | gave up after 10 attempts: java.io.IOException: File name too long | gave up after 10 attempts: File name too long",
            "nested class names      | could not run (org.apache.camel.CamelExchangeException: java.nio.file.NoSuchFileException: /a/b/c) | could not run (c)",
            "relative paths stay     | file 'orders/order-1.txt' leads outside the shared root | file 'orders/order-1.txt' leads outside the shared root",
            "ratios and words stay   | 1/2 done and/or not | 1/2 done and/or not",
            "file URI                | could not read file:///srv/connecta/var/work/1a/out.dat | could not read file:out.dat",
            "doubled slash           | cannot open //srv/connecta/var/blobs | cannot open blobs",
            "qualified method        | Cannot invoke \"java.nio.file.Path.toString()\" because \"dir\" is null | Cannot invoke \"Path.toString()\" because \"dir\" is null",
            "class cast              | class java.lang.String cannot be cast to class io.connecta.cu.jobs.OwnJob | class String cannot be cast to class OwnJob",
    })
    void reasonLosesServerPathsAndClassNames(String why, String reason, String shown) {
        assertThat(JobErrorText.forApi(reason)).as(why).isEqualTo(shown);
    }

    @Test
    void controlCharactersAreEscapedButLinesStay() {
        assertThat(JobErrorText.forApi("a" + (char) 0 + "b" + (char) 13 + "c" + (char) 27 + "[31m"))
                .isEqualTo("a\\u0000b\\u000dc\\u001b[31m");
        assertThat(JobErrorText.forApi("line 1\nline 2\tx")).isEqualTo("line 1\nline 2\tx");
    }

    @Test
    void reasonIsStorableInAnyDatabase() {
        String reason = JobErrorText.forApi("stderr: a" + (char) 0 + "b \ufffd lone " + (char) 0xd800 + " end");
        assertThat(reason).as("PostgreSQL takes no NUL and UTF-8 has no lone surrogate: both escaped or replaced")
                .isEqualTo("stderr: a\\u0000b \ufffd lone \ufffd end");
        assertThat(JobErrorText.forApi("x".repeat(5000) + (char) 0 + "y".repeat(5000)))
                .as("bounded, escapes included").hasSizeLessThanOrEqualTo(8192);
    }
}
