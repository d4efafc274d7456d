package io.connecta.cu.exec;

import io.connecta.cu.CuWorkerApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The CU worker as the {@code direct:cu-exec} tests run it (one Spring context for all of them): the test profile's
 * sandbox, run-as user and test CUs (cu-worker-test.yml), an in-memory database. What the tests share: {@link AbstractCuExecTest}.
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@CamelSpringBootTest
@ActiveProfiles({"test", "dev"})
@SpringBootTest(classes = CuWorkerApplication.class, properties = {
        "spring.config.name=" + CuWorkerApplication.CONFIG_NAME,
        "spring.datasource.url=jdbc:h2:mem:exec-test;DB_CLOSE_DELAY=-1",
        "connecta.cu.kill-grace=2s"})
@interface CuExecTest {
}
