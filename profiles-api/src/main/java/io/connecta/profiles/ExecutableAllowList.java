package io.connecta.profiles;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.PatternSyntaxException;

/**
 * The deployer's allow-list ({@code connecta.cu.executables} in {@code config/cu-executables.yml}): profiles name an
 * executable by key, never by path, and per executable the deployer says what a profile may pass to it: the options
 * (each with its allowed values, a value pattern, the placeholders it may take, or none: a flag), the placeholders that
 * may stand as positional arguments, and the environment variables a profile may set. {@link ProfilePolicy} holds
 * profiles to it. Checked at start-up: a malformed entry stops the worker with the field named.
 * <p>
 * Options and variables are lists of entries with a {@code name}, not maps keyed by the name: Spring's binder would
 * silently strip the dashes of a key such as {@code --mode}.
 */
@Validated
@ConfigurationProperties(prefix = "connecta.cu")
public class ExecutableAllowList {

    /** Allow-list key → executable. */
    @Valid
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

    public Optional<Executable> executable(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(executables.get(key));
    }

    public Optional<Path> pathOf(String key) {
        return executable(key).map(e -> Path.of(e.getPath()).toAbsolutePath().normalize());
    }

    /** One allow-listed executable and what a profile may pass to it. */
    public static class Executable {

        /** Absolute, or relative to the worker's working directory. */
        @NotBlank
        private String path;

        /** The options a profile may use, in any order, each at most as the rule says. */
        @Valid
        private List<Option> options = new ArrayList<>();

        /** The placeholders ({@code input}, {@code output}, {@code workDir}) that may stand as positional arguments. */
        @NotNull
        private Set<@Pattern(regexp = "input|output|workDir") String> positional = new LinkedHashSet<>();

        /** The environment variables a profile may set. */
        @Valid
        private List<EnvVariable> env = new ArrayList<>();

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public List<Option> getOptions() {
            return options;
        }

        public void setOptions(List<Option> options) {
            this.options = options;
        }

        public Set<String> getPositional() {
            return positional;
        }

        public void setPositional(Set<String> positional) {
            this.positional = positional;
        }

        public List<EnvVariable> getEnv() {
            return env;
        }

        public void setEnv(List<EnvVariable> env) {
            this.env = env;
        }

        Optional<Option> option(String name) {
            return options.stream().filter(o -> o.getName().equals(name)).findFirst();
        }

        Optional<EnvVariable> variable(String name) {
            return env.stream().filter(v -> v.getName().equals(name)).findFirst();
        }
    }

    /**
     * An option such as {@code --mode}: with {@code values} (an enum) or a {@code pattern} (a whole-value regular
     * expression) or {@code placeholders} (the value is one of these placeholders), it takes a value, as the next
     * argument or as {@code --mode=value}; with none of them it is a flag.
     */
    public static class Option {

        @NotBlank
        @Pattern(regexp = "--?[A-Za-z0-9][A-Za-z0-9_-]{0,63}", message = "must be an option name such as -v or --mode")
        private String name;

        private List<@NotBlank String> values = new ArrayList<>();

        @Size(max = 1000)
        private String pattern;

        private Set<@Pattern(regexp = "input|output|workDir") String> placeholders = new LinkedHashSet<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<String> getValues() {
            return values;
        }

        public void setValues(List<String> values) {
            this.values = values;
        }

        public String getPattern() {
            return pattern;
        }

        public void setPattern(String pattern) {
            this.pattern = pattern;
        }

        public Set<String> getPlaceholders() {
            return placeholders;
        }

        public void setPlaceholders(Set<String> placeholders) {
            this.placeholders = placeholders;
        }

        boolean isFlag() {
            return values.isEmpty() && pattern == null && placeholders.isEmpty();
        }

        /** Checked at start-up: a pattern that is not a regular expression would fail every profile using it. */
        @AssertTrue(message = "pattern must be a regular expression")
        public boolean isPatternValid() {
            return isRegularExpression(pattern);
        }
    }

    /** An environment variable a profile may set, with an optional whole-value pattern. */
    public static class EnvVariable {

        @NotBlank
        @Pattern(regexp = ProfilePolicy.ENV_NAME, message = "must be an upper-case variable name")
        private String name;

        @Size(max = 1000)
        private String pattern;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getPattern() {
            return pattern;
        }

        public void setPattern(String pattern) {
            this.pattern = pattern;
        }

        /** Checked at start-up: a pattern that is not a regular expression would fail every profile using it. */
        @AssertTrue(message = "pattern must be a regular expression")
        public boolean isPatternValid() {
            return isRegularExpression(pattern);
        }
    }

    private static boolean isRegularExpression(String pattern) {
        try {
            if (pattern != null) {
                java.util.regex.Pattern.compile(pattern);
            }
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
