package io.connecta.profiles;

import io.connecta.common.ops.Printable;
import io.connecta.common.problem.FieldError;
import io.connecta.profiles.ExecutableAllowList.Executable;
import io.connecta.profiles.ExecutableAllowList.Option;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds a profile's {@code args} and {@code env} to its executable's entry in the {@link ExecutableAllowList}. Takes a
 * profile, gives the violations, each naming its field ({@code args[2]}, {@code env.BASH_ENV}); none means it may run.
 * The profiles API calls it before a profile is stored (422), the CU run step again before every run (the job fails,
 * nothing runs), so a profile stored under an older, looser allow-list cannot run under the new one.
 * <p>
 * The rules (issue 10, "a profile can never escape its job"):
 * <ul>
 *   <li>only the placeholders name files: a positional argument is {@code ${input}}, {@code ${output}},
 *       {@code ${workDir}} or {@code ${workDir}/<plain name>}, as far as the executable's {@code positional} allows;
 *       an option value never holds a '/' (so no value can be a path, whatever a deployer's pattern says);</li>
 *   <li>options are the listed ones, as {@code --opt value} or {@code --opt=value}, with an allowed value;</li>
 *   <li>environment variables are the listed ones with an allowed value, and never one that changes how a dynamic
 *       loader, a shell or an interpreter behaves ({@link #isForbiddenVariable}), whatever the allow-list says.</li>
 * </ul>
 */
@Component
public class ProfilePolicy {

    /** The syntax of a variable name a profile may set. */
    public static final String ENV_NAME = "[A-Z][A-Z0-9_]{0,127}";
    static final int MAX_ENV_VALUE = 1024;

    private static final Pattern ENV_NAME_PATTERN = Pattern.compile(ENV_NAME);
    private static final Pattern PLACEHOLDER_ONLY = Pattern.compile("\\$\\{(input|output|workDir)}");
    private static final Pattern IN_WORK_DIR = Pattern.compile("\\$\\{workDir}/[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /**
     * Variables the child's environment gets from the worker (see the CU run step); a profile cannot replace them.
     */
    public static final Set<String> WORKER_VARIABLES = Set.of("PATH", "HOME", "PWD", "TMPDIR", "LANG", "LC_ALL", "TZ");

    /**
     * Names a loader, shell or interpreter reads to load or run code or to find files (glibc's "unsecure" list, the
     * shells' start-up and trace variables, the interpreters' option and path variables).
     */
    private static final Set<String> FORBIDDEN_NAMES = Set.of("ENV", "SHELLOPTS", "BASHOPTS", "PS1", "PS2", "PS3",
            "PS4", "PROMPT_COMMAND", "IFS", "CDPATH", "GLOBIGNORE", "ZDOTDIR", "SHELL", "CLASSPATH", "GCONV_PATH",
            "GETCONF_DIR", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF",
            "RES_OPTIONS", "TZDIR", "PERLLIB", "OPENSSL_CONF", "OPENSSL_ENGINES", "OPENSSL_MODULES", "TERMINFO",
            "TERMCAP", "LC_CTYPE", "LANGUAGE", "EDITOR", "VISUAL", "PAGER");

    /** Whole families by prefix. */
    private static final List<String> FORBIDDEN_PREFIXES = List.of("LD_", "DYLD_", "BASH", "MALLOC_",
            "GLIBC_", "PYTHON", "PERL5", "PERL_", "PERLIO", "RUBY", "GEM_", "NODE_", "NPM_", "JAVA_", "_JAVA",
            "JDK_JAVA", "LUA_", "TCL", "TK_", "PHP", "R_", "GIT_", "SSL_", "GCONV_", "KRB5", "XDG_");

    private final ExecutableAllowList allowList;

    public ProfilePolicy(ExecutableAllowList allowList) {
        this.allowList = allowList;
    }

    /** Whether no profile may set this variable, whatever the allow-list says. */
    public static boolean isForbiddenVariable(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return WORKER_VARIABLES.contains(upper) || FORBIDDEN_NAMES.contains(upper)
                || FORBIDDEN_PREFIXES.stream().anyMatch(upper::startsWith);
    }

    /** The violations of a profile's args and env; empty when the executable is not allow-listed (checked elsewhere). */
    public List<FieldError> violations(CuProfile profile) {
        List<FieldError> errors = new ArrayList<>();
        allowList.executable(profile.executable()).ifPresent(executable -> {
            checkArgs(errors, profile.executable(), executable, profile.args() == null ? List.of() : profile.args());
            checkEnv(errors, profile.executable(), executable, profile.env() == null ? Map.of() : profile.env());
        });
        return errors;
    }

    private static void checkArgs(List<FieldError> errors, String key, Executable executable, List<String> args) {
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String field = "args[" + i + "]";
            if (arg == null) {
                continue; // the validator reports it
            }
            if (!optionsEnded && arg.equals("--")) {
                optionsEnded = true;
            } else if (optionsEnded || !arg.startsWith("-")) {
                checkPositional(errors, field, key, executable, arg);
            } else {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                Option option = executable.option(name).orElse(null);
                if (option == null) {
                    errors.add(new FieldError(field, "option '" + printable(name) + "' is not allowed for " + key
                            + "; allowed: " + executable.getOptions().stream().map(Option::getName).toList()));
                } else if (option.isFlag()) {
                    if (eq >= 0) {
                        errors.add(new FieldError(field, "option " + name + " is a flag and takes no value"));
                    }
                } else if (eq >= 0) {
                    checkValue(errors, field, option, arg.substring(eq + 1));
                } else if (i + 1 >= args.size() || args.get(i + 1) == null) {
                    errors.add(new FieldError(field, "option " + name + " needs a value"));
                } else {
                    i++;
                    checkValue(errors, "args[" + i + "]", option, args.get(i));
                }
            }
        }
    }

    private static void checkPositional(List<FieldError> errors, String field, String key, Executable executable,
                                        String arg) {
        Matcher placeholder = PLACEHOLDER_ONLY.matcher(arg);
        boolean allowed = placeholder.matches() ? executable.getPositional().contains(placeholder.group(1))
                : IN_WORK_DIR.matcher(arg).matches() && executable.getPositional().contains("workDir");
        if (!allowed) {
            errors.add(new FieldError(field, "'" + printable(arg) + "' is not allowed as a positional argument of " + key
                    + ": only the placeholders " + executable.getPositional().stream().map(p -> "${" + p + "}").toList()
                    + " may stand there (only placeholders name files)"));
        }
    }

    private static void checkValue(List<FieldError> errors, String field, Option option, String value) {
        Matcher placeholder = PLACEHOLDER_ONLY.matcher(value);
        if (placeholder.matches()) {
            if (!option.getPlaceholders().contains(placeholder.group(1))) {
                errors.add(new FieldError(field, "option " + option.getName() + " does not take " + value));
            }
            return;
        }
        String reason = null;
        if (value.contains("/") || value.contains("${") || CONTROL.matcher(value).find()
                || value.equals(".") || value.equals("..")) {
            reason = "must not be a path, a placeholder inside text or hold control characters";
        } else if (!option.getValues().isEmpty() && !option.getValues().contains(value)) {
            reason = "must be one of " + option.getValues();
        } else if (option.getValues().isEmpty() && (option.getPattern() == null
                || !Pattern.compile(option.getPattern()).matcher(value).matches())) {
            reason = option.getPattern() == null ? "must be one of the placeholders "
                    + option.getPlaceholders().stream().map(p -> "${" + p + "}").toList()
                    : "must match " + option.getPattern();
        }
        if (reason != null) {
            errors.add(new FieldError(field, "value '" + printable(value) + "' of option " + option.getName() + " "
                    + reason));
        }
    }

    private static void checkEnv(List<FieldError> errors, String key, Executable executable, Map<String, String> env) {
        env.forEach((name, value) -> {
            String field = "env." + name;
            if (!ENV_NAME_PATTERN.matcher(name).matches()) {
                errors.add(new FieldError(field, "is not a valid environment variable name (" + ENV_NAME + ")"));
            } else if (isForbiddenVariable(name)) {
                errors.add(new FieldError(field, "is refused: the worker sets it, or it changes how a loader, shell or"
                        + " interpreter behaves"));
            } else if (executable.variable(name).isEmpty()) {
                errors.add(new FieldError(field, "is not allowed for " + key + "; allowed: "
                        + executable.getEnv().stream().map(ExecutableAllowList.EnvVariable::getName).toList()));
            } else if (value == null || value.length() > MAX_ENV_VALUE || CONTROL.matcher(value).find()) {
                errors.add(new FieldError(field, "must be a string of at most " + MAX_ENV_VALUE
                        + " characters without control characters (NUL, newline)"));
            } else {
                String pattern = executable.variable(name).get().getPattern();
                if (pattern != null && !Pattern.compile(pattern).matcher(value).matches()) {
                    errors.add(new FieldError(field, "must match " + pattern));
                }
            }
        });
    }

    private static String printable(String text) {
        return Printable.of(text, 80);
    }
}
