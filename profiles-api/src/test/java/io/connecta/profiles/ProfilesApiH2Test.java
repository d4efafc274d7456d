package io.connecta.profiles;

/** The profiles API on the embedded default database. */
class ProfilesApiH2Test extends AbstractProfilesApiTest {
}
