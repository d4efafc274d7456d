package io.connecta.profiles;

import io.connecta.common.test.PostgresDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same API tests on the machine's real PostgreSQL, in a database of the test's own. */
class ProfilesApiPostgresTest extends AbstractProfilesApiTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        String url = PostgresDatabase.recreate("connecta_profiles_test");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", PostgresDatabase::user);
        registry.add("spring.datasource.password", () -> "");
    }
}
