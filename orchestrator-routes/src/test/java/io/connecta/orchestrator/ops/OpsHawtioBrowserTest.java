package io.connecta.orchestrator.ops;

import io.connecta.common.test.Chromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator in a real browser: Hawtio's login page, then the Camel routes of this orchestrator by route id. */
class OpsHawtioBrowserTest extends OpsTestSupport {

    ChromeDriver browser;

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void operatorLogsInThroughHawtioAndSeesTheRoutesById() {
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

        browser.get(base() + "/actuator/hawtio/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pf-login-username-id")));
        Chromium.screenshot(browser, Path.of("orchestrator-routes/target/hawtio-login.png"));
        browser.findElement(By.id("pf-login-username-id")).sendKeys(USER);
        browser.findElement(By.id("pf-login-password-id")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("pf-login-password-id")));

        assertThat(api.get("/api/fe/v1/workers").status()).isEqualTo(200);
        browser.get(base() + "/actuator/hawtio/camel/routes");
        for (String routeId : new String[] {"worker-register", "worker-list", "profile-passthrough"}) {
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), routeId));
        }
        // the "routes" folder of the Camel tree opens the routes table with the live exchange counts
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//*[normalize-space(text())='routes']"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Completed"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "worker-list"));
        Path evidence = Chromium.screenshot(browser, Path.of("orchestrator-routes/target/hawtio-camel-routes.png"));
        assertThat(browser.findElement(By.tagName("body")).getText())
                .as("Hawtio's Camel routes view lists the routes by id")
                .contains("worker-register", "worker-list", "profile-passthrough", "worker-heartbeat");
        assertThat(browser.findElement(By.tagName("main")).getText()).as("the routes table with exchange counts")
                .contains("Completed", "Failed", "worker-register", "worker-list", "profile-passthrough");
        assertThat(evidence).exists();
    }
}
