package io.connecta.cu.dropin;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

/** The beans the drop-in consumer of {@link DropInRoutes} refers to by name. */
@Configuration
public class DropInConfiguration {

    /** Which folders and files the drop-in consumer takes: those of existing profiles, never through a link. */
    @Bean
    DropInFilter dropInFilter(DropIn dropIn, @Value("${connecta.cu.dropin.read-lock.min-length:1}") long minLength) {
        return new DropInFilter(dropIn, minLength);
    }

    /**
     * The drop-in read lock shared by all workers of this worker type: a row in {@code cu_dropin_lock} (the
     * worker-type database, created by Flyway) per file being processed. Only one worker can insert it; the holder
     * refreshes it every keep-alive interval, and a row older than the max age is an orphan of a dead worker that the
     * next worker takes over.
     */

    @Bean(initMethod = "start", destroyMethod = "stop")
    @DependsOnDatabaseInitialization
    DropInLocks dropInLocks(DataSource dataSource, CamelContext camelContext,
                                                        @Value("${connecta.cu.dropin.lock.max-age-ms:300000}") long maxAge,
                                                        @Value("${connecta.cu.dropin.lock.keep-alive-ms:30000}") long keepAlive) {
        DropInLocks locks = new DropInLocks(dataSource, camelContext);
        locks.setTableName("cu_dropin_lock");
        locks.setCreateTableIfNotExists(false);
        locks.setLockMaxAgeMillis(maxAge);
        locks.setLockKeepAliveIntervalMillis(keepAlive);
        return locks;
    }
}
