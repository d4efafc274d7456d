package io.connecta.profiles;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The profiles library alone, as a worker would mount it. */
@SpringBootApplication(scanBasePackages = {"io.connecta.profiles", "io.connecta.common"})
public class ProfilesTestApplication {
}
