package io.connecta.common.test;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A real headless Chromium driven through Selenium and ChromeDriver, both from Debian's packages ({@code chromium},
 * {@code chromium-driver}; .ci/run installs them). Missing ones fail the test: it is never skipped.
 */
public final class Chromium {

    private Chromium() {
    }

    public static ChromeDriver start() {
        String browser = executable("CONNECTA_CHROMIUM", List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"));
        String driver = executable("CONNECTA_CHROMEDRIVER", List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"));
        Path profile;
        try {
            profile = Files.createTempDirectory("connecta-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the browser shows as a PNG (evidence under target/). */
    public static Path screenshot(ChromeDriver browser, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            File png = browser.getScreenshotAs(OutputType.FILE);
            return Files.copy(png.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String executable(String env, List<String> candidates) {
        String configured = System.getenv(env);
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst()
                .orElseThrow(() -> new AssertionError("needs Debian's chromium and chromium-driver (none of " + candidates
                        + "; set " + env + " or run: apt-get install -y chromium chromium-driver — .ci/run does)"));
    }
}
