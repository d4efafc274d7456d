package io.connecta.profiles;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The deployer's allow-list: profiles name an executable by key, never by path, so a profile author can run
 * nothing the deployer did not list in {@code connecta.cu.executables}.
 */
@ConfigurationProperties(prefix = "connecta.cu")
public class ExecutableAllowList {

    /** Allow-list key → executable. */
    private Map<String, Executable> executables = new TreeMap<>();

    public Map<String, Executable> getExecutables() {
        return executables;
    }

    public void setExecutables(Map<String, Executable> executables) {
        this.executables = new TreeMap<>(executables);
    }

    public boolean allows(String key) {
        return key != null && executables.containsKey(key);
    }

    public Optional<Path> pathOf(String key) {
        return Optional.ofNullable(executables.get(key)).map(e -> Path.of(e.getPath()).toAbsolutePath().normalize());
    }

    public static class Executable {
        /** Absolute, or relative to the worker's working directory. */
        private String path;

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }
    }
}
