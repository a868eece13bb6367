package org.deskframe.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.e2e.EmbeddedWidgets.awaitState;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.FileChooser;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import javax.imageio.ImageIO;
import org.deskframe.e2e.Browser.AgentPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A file both ways in real Chromium: the customer attaches an image in the messenger on the demo customer site, the
 * agent's messaging widget (on the integrator's desktop) shows it; the agent sends a PDF back and the customer
 * downloads exactly its bytes. A disguised file is refused in the messenger with the catalogue's message and hint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttachmentBrowserIntegrationTests {

    static final byte[] PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    private CustomerSite site;
    private AgentDesktop desktop;
    private Platform platform;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        site = new CustomerSite();
        desktop = new AgentDesktop();
        platform = new Platform("http://localhost:" + desktop.port, Map.of("deskframe.guest.demo-site-url", site.origin()));
        site.platform(platform.base(), "demo-web");
        desktop.platform(platform.base());
        browser = new Browser();
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
        if (site != null) site.close();
    }

    @Test
    void anImageFromTheCustomerReachesTheAgentAndAFileFromTheAgentReachesTheCustomer() throws Exception {
        try (AgentPage agent = browser.open(desktop.origin() + "/desktop?agent=agent1");
             AgentPage customer = browser.open(site.origin() + "/")) {
            awaitState(agent.page(), "messaging", "ready");
            FrameLocator widget = agent.page().frameLocator("iframe[title='Deskframe messaging']");
            widget.locator("#df-presence").selectOption("available");

            FrameLocator panel = openPanel(customer.page());
            panel.getByLabel("Name").fill("Robin");
            panel.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Start chat")).click();
            Locator transcript = panel.getByRole(AriaRole.LOG, new FrameLocator.GetByRoleOptions().setName("Conversation"));
            assertThat(transcript).containsText("Thanks for reaching out");

            Locator offer = widget.locator(".df-offer", new FrameLocator.LocatorOptions().setHasText("Robin"));
            offer.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Accept")).click();
            widget.locator("button.df-conversation", new FrameLocator.LocatorOptions().setHasText("Robin")).click();

            // The customer: the labelled button opens the file chooser.
            byte[] png = png();
            FileChooser chooser = customer.page().waitForFileChooser(() ->
                    panel.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Attach a file")).click());
            chooser.setFiles(new FilePayload("damaged-box.png", "image/png", png));
            Locator ownImage = transcript.locator(".df-m-own img.df-attachment-image");
            assertThat(ownImage).hasAttribute("alt", "damaged-box.png");
            assertThat(ownImage).hasAttribute("src", java.util.regex.Pattern.compile("^blob:"));

            // The agent's widget shows the image, drawn from the bytes (fetched with the token, shown by blob: URL).
            Locator agentImage = widget.locator(".df-message img.df-attachment-image");
            assertThat(agentImage).hasAttribute("src", java.util.regex.Pattern.compile("^blob:"));
            agentImage.evaluate("i => i.decode()");
            assertThat(agentImage.evaluate("i => i.naturalWidth")).isEqualTo(6);

            // The agent sends a PDF back.
            FileChooser agentChooser = agent.page().waitForFileChooser(() ->
                    widget.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Attach a file")).click());
            agentChooser.setFiles(new FilePayload("invoice.pdf", "application/pdf", PDF));
            Locator link = transcript.locator(".df-m-theirs .df-attachment-link");
            assertThat(link).hasText(java.util.regex.Pattern.compile("Download invoice\\.pdf"));
            Download download = customer.page().waitForDownload(link::click);
            assertThat(download.suggestedFilename()).isEqualTo("invoice.pdf");
            assertThat(Files.readAllBytes(download.path())).isEqualTo(PDF);

            // A page named as an image is refused, and the messenger says why and how to fix it.
            FileChooser disguised = customer.page().waitForFileChooser(() ->
                    panel.getByRole(AriaRole.BUTTON, new FrameLocator.GetByRoleOptions().setName("Attach a file")).click());
            disguised.setFiles(new FilePayload("cat.png", "image/png",
                    "<html><body><script>alert(1)</script></body></html>".getBytes(StandardCharsets.UTF_8)));
            Locator refusal = panel.locator(".df-m-upload[role=alert]");
            assertThat(refusal).containsText("text/html");
            assertThat(refusal).containsText("attachment.type_not_allowed");
            assertThat(refusal).containsText("renaming a file does not change it");
            assertThat(customer.console().toString()).doesNotContain("Bearer ey");
        }
    }

    private static FrameLocator openPanel(Page page) {
        Locator launcher = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open chat"));
        assertThat(launcher).isVisible();
        launcher.click();
        return page.frameLocator("iframe[title='Chat with us']");
    }

    /** A 6 x 4 PNG (also the journey's: CustomerJourneyBrowserIntegrationTests). */
    static byte[] png() throws Exception {
        BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 6; x++) for (int y = 0; y < 4; y++) image.setRGB(x, y, 0x3366cc + x * 16 + y);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
