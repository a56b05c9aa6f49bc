package io.ratchet.node.admin;

import static io.ratchet.node.testing.BusinessService.Answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page in headless Chromium, served by a follower of three node processes: the cluster view shows three
 * nodes and one leader; the list finds a known saga by gid prefix; its detail shows its branches and timeline; and
 * Force stop ends a saga stuck retrying. Screenshots go to {@code target/admin-*.png}. Skipped, saying so, when the
 * system Chromium or ChromeDriver is missing (.ci/run installs them with apt-get where it can).
 */
class AdminPageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldShowTheClusterATransactionsTimelineAndForceStopOneFromAFollower() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (Debian packages chromium and chromium-driver); skipped");
        try (ProcessCluster cluster = ProcessCluster.start(dir); BusinessService service = BusinessService.start()) {
            String leader = cluster.awaitLeader(Duration.ofSeconds(90));
            String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            DtmClient client = new DtmClient(cluster.url(follower));
            String run = "page" + System.nanoTime();
            String done = run + "-done";
            client.post("/api/dtmsvr/submit", DtmClient.saga(done, List.<String[]>of(
                    new String[]{service.url("/" + done + "/a0"), service.url("/" + done + "/c0")},
                    new String[]{service.url("/" + done + "/a1"), service.url("/" + done + "/c1")}), List.of("", "")));
            client.awaitFinal(done, Duration.ofSeconds(30));
            String stuck = run + "-stuck";
            service.answer("/" + stuck + "/a0", Answer.status(500));
            client.post("/api/dtmsvr/submit", DtmClient.saga(stuck, List.<String[]>of(
                    new String[]{service.url("/" + stuck + "/a0"), ""}), List.of("")));

            WebDriver browser = chromium();
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            try {
                // the cluster, as the follower sees it
                browser.get(cluster.url(follower) + "/admin/");
                wait.until(b -> b.findElements(By.cssSelector("#nodes tbody tr")).size() == 3);
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#nodes tr[data-node='" + leader + "'][data-role='leader']")));
                assertThat(browser.findElements(By.cssSelector("#nodes tr[data-role='leader']"))).hasSize(1);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("metrics"), "succeed.saga"));
                screenshot(browser, "admin-cluster.png");

                // the list, filtered by gid prefix, then the detail of the finished saga
                browser.findElement(By.id("nav-transactions")).click();
                WebElement gid = wait.until(ExpectedConditions.elementToBeClickable(By.id("filter-gid")));
                gid.sendKeys(run);
                browser.findElement(By.id("apply-filters")).click();
                wait.until(b -> b.findElements(By.cssSelector("#transactions tr[data-gid]")).size() == 2);
                browser.findElement(By.cssSelector("#transactions tr[data-gid='" + done + "'] a")).click();
                wait.until(b -> b.findElements(By.cssSelector("#branches tr[data-branch]")).size() == 4);
                wait.until(b -> b.findElements(By.cssSelector("#timeline tr[data-index]")).size() == 3);
                assertThat(browser.findElement(By.id("field-status")).getText()).isEqualTo("succeed");
                assertThat(browser.findElement(By.id("timeline")).getText())
                        .contains("submit", "report_branch", "action", "success", leader);
                screenshot(browser, "admin-transaction.png");

                // force stop the stuck one, confirming the dialog
                browser.get(cluster.url(follower) + "/admin/#/tx/" + stuck);
                wait.until(ExpectedConditions.textToBe(By.id("field-status"), "submitted"));
                browser.findElement(By.id("force-stop")).click();
                wait.until(ExpectedConditions.alertIsPresent()).accept();
                wait.until(ExpectedConditions.textToBe(By.id("field-status"), "failed"));
                assertThat(browser.findElement(By.id("banner")).getText()).contains("Stopped");
                screenshot(browser, "admin-force-stop.png");
            } finally {
                browser.quit();
            }
            assertThat(client.query(stuck).path("transaction").path("status").asText()).isEqualTo("failed");
        }
    }

    private WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root, without a sandbox, and without the background traffic a closed network refuses.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + dir.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws Exception {
        Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
