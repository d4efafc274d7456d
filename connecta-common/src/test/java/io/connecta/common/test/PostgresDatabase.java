package io.connecta.common.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * A fresh database of a test's own on the machine's PostgreSQL (127.0.0.1:5432, trust auth, or
 * {@code CONNECTA_TEST_PG_URL} / {@code CONNECTA_TEST_PG_USER}): dropped and created anew for each test class.
 */
public final class PostgresDatabase {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final String SERVER = System.getenv().getOrDefault("CONNECTA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    private static final String USER = System.getenv().getOrDefault("CONNECTA_TEST_PG_USER", "postgres");

    private PostgresDatabase() {
    }

    /** Drops and creates the named database; returns its JDBC URL. */
    public static String recreate(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement s = c.createStatement()) {
            // identifiers cannot be bound as parameters; the name is checked against NAME above
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + SERVER + " is needed by this test (.ci/run starts it)", e);
        }
        return url(name);
    }

    public static String url(String name) {
        return SERVER + name;
    }

    public static String user() {
        return USER;
    }
}
