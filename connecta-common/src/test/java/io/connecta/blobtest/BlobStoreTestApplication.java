package io.connecta.blobtest;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;

/**
 * The blob store alone, as either app mounts it; it needs no database. Outside {@code io.connecta.common} on purpose:
 * a reactor build ({@code mvn -pl route-tests -am test}) puts this module's test classes on the apps' class path, and
 * their component scans of {@code io.connecta.common} would take this class's exclusions (no DataSource) with it.
 */
@SpringBootApplication(scanBasePackages = "io.connecta.common.blob",
        exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
public class BlobStoreTestApplication {
}
