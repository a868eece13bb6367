package org.deskframe.site;

import static org.deskframe.site.PageLayout.esc;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The repository's {@code docs/} (packaged into the server jar under {@code site-docs/}) as pages, rendered with
 * commonmark: raw HTML in a document is escaped and link targets are sanitised, so a document cannot inject markup.
 */
@RestController
class DocsPages {

    private static final String ROOT = "site-docs/";
    private final Parser parser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    // Code blocks and tables scroll sideways when wide: focusable, so a keyboard can scroll them too.
    private final HtmlRenderer renderer = HtmlRenderer.builder().extensions(List.of(TablesExtension.create()))
            .escapeHtml(true).sanitizeUrls(true)
            .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                if (tagName.equals("pre") || tagName.equals("table")) attributes.put("tabindex", "0");
            }).build();

    @GetMapping(value = "/docs/", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> index(HttpServletRequest request) throws IOException {
        StringBuilder list = new StringBuilder("<ul class=\"links\">");
        var resources = new PathMatchingResourcePatternResolver().getResources("classpath:" + ROOT + "*.md");
        java.util.Arrays.sort(resources, java.util.Comparator.comparing(r -> String.valueOf(r.getFilename())));
        for (var r : resources) {
            String name = r.getFilename();
            String title;
            try (InputStream in = r.getInputStream()) {
                title = title(parser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)), name);
            }
            list.append("<li><a href=\"").append(esc(name)).append("\">").append(esc(title)).append("</a> <span class=\"muted\">(")
                    .append(esc(name)).append(")</span></li>");
        }
        list.append("</ul>");
        return PageLayout.page(HttpStatus.OK, request, "Documentation", "Documentation",
                "<section class=\"card\">" + list + "</section>");
    }

    @GetMapping(value = "/docs/{name:[a-z0-9-]+}.md", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> doc(@PathVariable String name, HttpServletRequest request) {
        ClassPathResource r = new ClassPathResource(ROOT + name + ".md");
        if (!r.exists()) return ErrorPages.page(HttpStatus.NOT_FOUND, notFound(name + ".md"), request);
        Node document = parser.parse(read(r));
        String title = title(document, name + ".md");
        // The document's own first heading is the page's h1; the rest keeps its levels.
        Node first = document.getFirstChild();
        if (first instanceof Heading h && h.getLevel() == 1) first.unlink();
        return PageLayout.page(HttpStatus.OK, request, title, title, "<article class=\"card doc\">" + renderer.render(document)
                + "<p class=\"muted\"><a href=\"/docs/\">All documentation</a></p></article>");
    }

    @GetMapping(value = "/docs/images/{file:[a-z0-9-]+}.png")
    ResponseEntity<?> image(@PathVariable String file, HttpServletRequest request) throws IOException {
        ClassPathResource r = new ClassPathResource(ROOT + "images/" + file + ".png");
        if (!r.exists()) return ErrorPages.page(HttpStatus.NOT_FOUND, notFound("images/" + file + ".png"), request);
        try (InputStream in = r.getInputStream()) {
            return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).cacheControl(CacheControl.noCache()).body(in.readAllBytes());
        }
    }

    private static String read(ClassPathResource r) {
        try (InputStream in = r.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Problem notFound(String file) {
        return Problem.of(ErrorCode.PAGE_NOT_FOUND, Map.of("resource", "Document '" + file + "'", "home", "/docs/"));
    }

    private static String title(Node document, String fallback) {
        for (Node n = document.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h && h.getLevel() == 1) {
                StringBuilder s = new StringBuilder();
                collectText(h, s);
                return s.toString().strip();
            }
        }
        return fallback;
    }

    private static void collectText(Node node, StringBuilder s) {
        for (Node c = node.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof Text t) s.append(t.getLiteral());
            else if (c instanceof org.commonmark.node.Code code) s.append(code.getLiteral());
            else collectText(c, s);
        }
    }
}
