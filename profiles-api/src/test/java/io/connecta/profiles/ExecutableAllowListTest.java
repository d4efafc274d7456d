package io.connecta.profiles;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The allow-list's own check at start-up: a malformed entry stops the worker naming the property, rather than a
 * profile that uses it later getting a 500 from the policy (a pattern that is not a regular expression).
 */
class ExecutableAllowListTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void patternThatIsNotARegularExpressionIsRefusedAtStartUpNamingTheProperty() {
        ExecutableAllowList.Option option = new ExecutableAllowList.Option();
        option.setName("--mode");
        option.setPattern("[a-z");
        ExecutableAllowList.EnvVariable variable = new ExecutableAllowList.EnvVariable();
        variable.setName("LEVEL");
        variable.setPattern("(unclosed");
        ExecutableAllowList.Executable executable = new ExecutableAllowList.Executable();
        executable.setPath("/bin/true");
        executable.setOptions(List.of(option));
        executable.setEnv(List.of(variable));
        ExecutableAllowList allowList = new ExecutableAllowList();
        allowList.setExecutables(Map.of("cu", executable));

        Set<ConstraintViolation<ExecutableAllowList>> violations = validator.validate(allowList);

        assertThat(violations).extracting(v -> v.getPropertyPath().toString())
                .containsExactlyInAnyOrder("executables[cu].options[0].patternValid",
                        "executables[cu].env[0].patternValid");
    }
}
