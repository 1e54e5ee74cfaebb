package io.exprun.server.ops;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.Prerequisites;
import io.exprun.server.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person's view of the docs page: headless Chromium opens /docs, authorizes with an API key, executes a cancel
 * against a running run, and sees the cancelled lifecycle. Leaves a screenshot in server/target/ whenever it runs.
 * Needs Debian's chromium and chromium-driver (.ci/run installs them); see {@link #requireChromium}.
 */
class SwaggerUiBrowserTest {

    /** A URL the browser fetches over the network; any other scheme (its own pages, inline data) asks no host. */
    private static final Pattern NETWORK = Pattern.compile("(?i)(https?|wss?|ftp)://");

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /**
     * The browser is a prerequisite, not an option: under {@code CI=true} its absence fails the test (a CI that
     * silently skipped it would prove nothing about the docs page); on a developer's machine the test is skipped, and
     * says why on the console, where surefire's summary alone would not.
     */
    static void requireChromium(String ciVariable, Path chromium, Path chromedriver, PrintStream console) {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(chromium)) {
            missing.add(chromium.toString());
        }
        if (!Files.isExecutable(chromedriver)) {
            missing.add(chromedriver.toString());
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "SwaggerUiBrowserTest needs Chromium and chromedriver; missing: " + String.join(", ", missing)
                + ". Install them with: apt-get install chromium chromium-driver (.ci/run does)";
        Prerequisites.missing(ciVariable, why, console);
    }

    @Test
    void a_person_can_cancel_a_run_from_the_docs_page() throws Exception {
        requireChromium(System.getenv("CI"), CHROMIUM, CHROMEDRIVER, System.out);

        try (TestServer server = TestServer.startEmbedded(0)) {
            Run run = server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING);
            WebDriver browser = chromium();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get(server.baseUri() + "docs");

                wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.authorize")))
                        .click();
                WebElement keyField = wait.until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector(".modal-ux input[type='text'], .modal-ux input[type='password']")));
                keyField.sendKeys(KEY_A);
                browser.findElement(By.cssSelector(".modal-ux .auth-btn-wrapper button.authorize"))
                        .click();
                wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".modal-ux button.btn-done")))
                        .click();

                WebElement cancel = wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.id("operations-Experiment_Runs-cancel_experiment_run")));
                cancel.findElement(By.cssSelector(".opblock-summary")).click();
                wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                                "#operations-Experiment_Runs-cancel_experiment_run button.try-out__btn")))
                        .click();
                WebElement runId = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                        "#operations-Experiment_Runs-cancel_experiment_run input[placeholder='run_id']")));
                runId.sendKeys(run.id());
                browser.findElement(By.cssSelector("#operations-Experiment_Runs-cancel_experiment_run button.execute"))
                        .click();

                By liveResponse =
                        By.cssSelector("#operations-Experiment_Runs-cancel_experiment_run .live-responses-table");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(liveResponse, "cancelled"));
                WebElement response = browser.findElement(liveResponse);
                ((org.openqa.selenium.JavascriptExecutor) browser)
                        .executeScript("arguments[0].scrollIntoView({block: 'center'})", response);
                String shown = response.getText();
                File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                Path target = Path.of("target", "swagger-ui-cancel.png");
                Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);

                assertThat(shown)
                        .contains("200")
                        .contains("\"status\": \"cancelled\"")
                        .contains(run.id());
                assertThat(new Http(server.baseUri(), KEY_A)
                                .get("/v1/workflows/experiments/runs/" + run.id())
                                .lifecycleStatus())
                        .isEqualTo("cancelled");
                assertThat(target).isNotEmptyFile();

                // the 200 answer's schema names the lifecycle's variants by their titles, not "any | any | …"
                By responses = By.cssSelector("#operations-Experiment_Runs-cancel_experiment_run .responses-wrapper");
                WebElement schemaTab = browser.findElement(responses)
                        .findElement(By.cssSelector("button[data-name='model'], .tablinks[data-name='model']"));
                schemaTab.click();
                WebElement box = wait.until(
                        ExpectedConditions.visibilityOfElementLocated(
                                By.cssSelector(
                                        "#operations-Experiment_Runs-cancel_experiment_run .responses-wrapper .model-box, "
                                                + "#operations-Experiment_Runs-cancel_experiment_run .responses-wrapper .json-schema-2020-12")));
                for (WebElement toggle : box.findElements(
                        By.cssSelector(
                                "button.json-schema-2020-12-expand-deep-button, .json-schema-2020-12-accordion, .model-toggle.collapsed"))) {
                    try {
                        toggle.click();
                    } catch (RuntimeException notClickable) {
                        // already open, or hidden behind another
                    }
                }
                String schema = box.getText();
                Files.writeString(Path.of("target", "swagger-ui-cancel-schema.txt"), schema);
                assertThat(schema).contains("CancelledWorkflowExperimentRun").doesNotContain("any | any");
            } finally {
                browser.quit();
            }
        }
    }

    /**
     * Issue 23, item 9: every way into Swagger UI shows exprun's spec, and the browser asks nothing of any other host
     * (the stock {@code index.html} used to load petstore.swagger.io's spec). A query naming another spec is ignored.
     * Each request the browser makes is read from Chrome's performance log; the negative control shows that a request
     * to another host does appear there.
     */
    @Test
    void every_docs_entry_point_shows_exprun_and_asks_only_this_server() throws Exception {
        requireChromium(System.getenv("CI"), CHROMIUM, CHROMEDRIVER, System.out);

        try (TestServer server = TestServer.startEmbedded(0)) {
            String title = new Http(server.baseUri(), null)
                    .get("/openapi.json")
                    .json()
                    .at("/info/title")
                    .asText();
            String here = server.baseUri().toString(); // http://127.0.0.1:<port>/
            WebDriver browser = chromium();
            try {
                for (String entry : List.of(
                        "docs",
                        "docs/",
                        "docs/index.html",
                        "docs/index.html?url=https://petstore.swagger.io/v2/swagger.json",
                        "docs/?configUrl=https://petstore.swagger.io/v2/swagger-config.json")) {
                    requestedUrls(browser); // drain what came before
                    browser.get(here + entry);

                    try {
                        new WebDriverWait(browser, Duration.ofSeconds(30))
                                .until(ExpectedConditions.presenceOfElementLocated(
                                        By.id("operations-Experiment_Runs-cancel_experiment_run")));
                    } catch (TimeoutException e) {
                        throw new AssertionError(
                                entry + ": exprun's operations never appeared; the browser asked for "
                                        + requestedUrls(browser),
                                e);
                    }
                    assertThat(browser.findElement(By.cssSelector(".info .title"))
                                    .getText())
                            .as(entry)
                            .contains(title);
                    List<String> asked = requestedUrls(browser);
                    assertThat(asked)
                            .as(entry)
                            .contains(here + "openapi.json")
                            .allSatisfy(url -> assertThat(url)
                                    .as(entry)
                                    .matches(
                                            u -> u.startsWith(here)
                                                    || !NETWORK.matcher(u).lookingAt(),
                                            "on " + here)); // data:, blob:, chrome:, chrome-untrusted: go nowhere
                }

                // negative control: a request to another host is seen (192.0.2.1 is TEST-NET-1, never answered)
                browser.get("about:blank");
                requestedUrls(browser);
                ((org.openqa.selenium.JavascriptExecutor) browser)
                        .executeScript("fetch('http://192.0.2.1/probe').catch(() => {})");
                assertThat(await().atMost(Duration.ofSeconds(10))
                                .until(() -> requestedUrls(browser), urls -> !urls.isEmpty()))
                        .contains("http://192.0.2.1/probe");
            } finally {
                browser.quit();
            }
        }
    }

    /** The URLs of the requests the browser started since the last call (Network.requestWillBeSent). */
    private static List<String> requestedUrls(WebDriver browser) {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message;
            try {
                message = JsonMapper.shared().readTree(entry.getMessage()).path("message");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                urls.add(message.at("/params/request/url").asText());
            }
        }
        return urls;
    }

    private static WebDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1600",
                "--user-data-dir=" + Files.createTempDirectory("exprun-chromium-"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
