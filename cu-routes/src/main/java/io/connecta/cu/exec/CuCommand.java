package io.connecta.cu.exec;

import io.connecta.profiles.CuProfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One resolved CU run: the allow-listed executable, the argument list with the placeholders filled in, and what
 * the outcome is judged by. Arguments stay a list from the profile to the process: no shell, no splitting.
 */
record CuCommand(String profileId, Path executable, List<String> args, Map<String, String> env, Path workDir,
                 Path outputFile, Duration timeout, List<Integer> successExitCodes) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(input|output|workDir)}");

    /**
     * Resolves a profile against the work directory.
     *
     * @param profile    the profile, defaults filled in
     * @param executable the path the allow-list gives for the profile's executable key
     * @throws CuInfrastructureException when the executable, the work directory or the input is not there
     */
    static CuCommand of(CuProfile profile, Path executable, Path workDir) {
        Path dir = workDir.toAbsolutePath().normalize();
        Path input = dir.resolve(CuExec.INPUT_FILE);
        Path output = dir.resolve(profile.output());
        if (!Files.isDirectory(dir)) {
            throw new CuInfrastructureException("the work directory " + dir + " does not exist");
        }
        if (!Files.isRegularFile(input)) {
            throw new CuInfrastructureException("the input file " + input + " does not exist");
        }
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            throw new CuInfrastructureException("the executable " + executable + " of allow-list key '"
                    + profile.executable() + "' is missing or not executable");
        }
        Map<String, String> values = Map.of("input", input.toString(), "output", output.toString(),
                "workDir", dir.toString());
        List<String> args = profile.args().stream().map(arg -> expand(arg, values)).toList();
        return new CuCommand(profile.id(), executable, args, Map.copyOf(profile.env()), dir, output,
                Duration.ofSeconds(profile.timeoutSeconds()), List.copyOf(profile.successExitCodes()));
    }

    /**
     * Replaces {@code ${input}}, {@code ${output}} and {@code ${workDir}} by their values, literally and in one
     * pass: a value is never scanned again, and nothing else in the argument is interpreted.
     */
    static String expand(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder expanded = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(expanded, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        return m.appendTail(expanded).toString();
    }

    /** Milliseconds, as camel-exec's timeout header wants them. */
    long timeoutMillis() {
        return timeout.toMillis();
    }
}
