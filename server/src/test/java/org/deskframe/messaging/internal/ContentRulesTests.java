package org.deskframe.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.messaging.AttachmentLimits;
import org.deskframe.messaging.AttachmentSettings;
import org.deskframe.messaging.AttachmentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of what an uploaded file is and may be, and the file-system store's all-or-nothing put. */
class ContentRulesTests {

    private static final AttachmentLimits DEFAULTS = new AttachmentSettings(null, 0, null).limits();

    static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private static String judge(byte[] bytes, String name, AttachmentLimits limits) throws IOException {
        return ContentRules.judge(new BufferedInputStream(new ByteArrayInputStream(bytes)), name, limits, "the setting");
    }

    /** The refusal's code and message; fails when the file is accepted. */
    private static String refusal(byte[] bytes, String name, AttachmentLimits limits) {
        try {
            String type = judge(bytes, name, limits);
            throw new AssertionError(name + " was accepted as " + type);
        } catch (ProblemException e) {
            return e.problem().code() + " " + e.problem().message();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whenBytesAreAPngThenTheTypeIsImagePngWhateverTheName() throws IOException {
        assertThat(judge(png(), "photo.png", DEFAULTS)).isEqualTo("image/png");
        assertThat(judge(png(), "photo", DEFAULTS)).isEqualTo("image/png");
        assertThat(judge(png(), "notes.txt", DEFAULTS)).isEqualTo("image/png");
    }

    @Test
    void whenPdfAndPlainTextThenTheyAreAllowedByDefault() throws IOException {
        assertThat(judge("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII), "invoice.pdf", DEFAULTS))
                .isEqualTo("application/pdf");
        assertThat(judge("order 1234 arrived broken\n".getBytes(StandardCharsets.UTF_8), "note.txt", DEFAULTS)).isEqualTo("text/plain");
    }

    @Test
    void whenHtmlIsNamedPngThenItIsRefusedAsActiveContentNamingTheDisguise() {
        byte[] html = "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>".getBytes(StandardCharsets.UTF_8);
        String refusal = refusal(html, "cat.png", DEFAULTS);
        assertThat(refusal).startsWith("attachment.type_not_allowed").contains("text/html").contains("active content")
                .contains("named 'cat.png'");
        assertThat(refusal(html, "page.html", DEFAULTS)).contains("text/html");
    }

    @Test
    void whenSvgOrXmlThenRefusedEvenWhenTheLimitsAllowEverything() {
        AttachmentLimits everything = new AttachmentLimits(1000, List.of("*/*", "image/*", "image/svg+xml", "text/*"));
        byte[] svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(svg, "logo.svg", everything)).contains("image/svg+xml").contains("never accepted");
        assertThat(refusal(svg, "logo.png", everything)).contains("never accepted");
    }

    @Test
    void whenANameClaimsAnImageButTheBytesAreNotOneThenItIsRefused() {
        byte[] noise = new byte[256];
        for (int i = 0; i < noise.length; i++) noise[i] = (byte) (i * 37 + 11);
        assertThat(refusal(noise, "holiday.jpg", DEFAULTS)).contains("named as image/jpeg but its bytes are");
    }

    @Test
    void whenTheTypeIsNotInTheListThenTheRefusalNamesTheTypeAndTheAllowedOnes() throws IOException {
        AttachmentLimits imagesOnly = new AttachmentLimits(1000, List.of("image/*"));
        assertThat(judge(png(), "a.png", imagesOnly)).isEqualTo("image/png");
        String refusal = refusal("%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII), "a.pdf", imagesOnly);
        assertThat(refusal).contains("application/pdf, which is not allowed here");
        assertThatThrownBy(() -> judge("%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII), "a.pdf", imagesOnly))
                .extracting(e -> ((ProblemException) e).problem().hint()).asString().contains("image/*").contains("the setting");
    }

    @Test
    void whenANameCarriesAPathOrControlCharactersThenOnlyTheLastSegmentIsKept() {
        assertThat(ContentRules.fileName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(ContentRules.fileName("C:\\Users\\pat\\report.pdf")).isEqualTo("report.pdf");
        assertThat(ContentRules.fileName("a\r\nb\".png")).isEqualTo("ab.png");
        assertThat(ContentRules.fileName("..")).isEqualTo("file");
        assertThat(ContentRules.fileName(null)).isEqualTo("file");
    }

    @Test
    void whenTheStreamIsOverTheLimitThenTheStoreKeepsNothing(@TempDir Path dir) throws IOException {
        FileSystemAttachmentStore store = new FileSystemAttachmentStore(dir);
        assertThatThrownBy(() -> store.put("att_big", new ByteArrayInputStream(new byte[2048]), 1024))
                .isInstanceOf(AttachmentStore.TooLarge.class);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
        AttachmentStore.Stored stored = store.put("att_ok", new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), 1024);
        assertThat(stored.size()).isEqualTo(3);
        assertThat(stored.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        try (var in = store.open("att_ok"); var files = Files.list(dir)) {
            assertThat(in.readAllBytes()).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("att_ok");
        }
        assertThatThrownBy(() -> store.open("../secret.key")).isInstanceOf(IllegalArgumentException.class);
    }
}
