package org.deskframe.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The client module, its type declarations and the widgets' scripts and styles, from {@code classpath:embed/v1/}.
 * Any page may import them ({@code Access-Control-Allow-Origin: *}, {@code Cross-Origin-Resource-Policy: cross-origin}):
 * they hold no secret, and an ES module imported from another origin is fetched in CORS mode.
 */
@RestController
class EmbedAssets {

    static final String ROOT = "embed/v1/";
    private static final MediaType JAVASCRIPT = new MediaType("text", "javascript", java.nio.charset.StandardCharsets.UTF_8);
    private static final MediaType TYPESCRIPT = new MediaType("application", "typescript", java.nio.charset.StandardCharsets.UTF_8);
    private static final MediaType CSS = new MediaType("text", "css", java.nio.charset.StandardCharsets.UTF_8);

    private record Asset(byte[] bytes, MediaType type, String etag) {}

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    @GetMapping("/embed/v1/{file:[a-z0-9-]+\\.(?:js|d\\.ts|css)}")
    ResponseEntity<byte[]> root(@PathVariable String file) {
        return serve(file);
    }

    @GetMapping("/embed/v1/widgets/{file:[a-z0-9-]+\\.(?:js|css)}")
    ResponseEntity<byte[]> widgetAsset(@PathVariable String file) {
        return serve("widgets/" + file);
    }

    private ResponseEntity<byte[]> serve(String path) {
        Optional<Asset> asset = cache.computeIfAbsent(path, EmbedAssets::load);
        if (asset.isEmpty()) {
            return ResponseEntity.notFound().headers(EmbedAssets::crossOrigin).build();
        }
        Asset a = asset.get();
        return ResponseEntity.ok()
                .headers(EmbedAssets::crossOrigin)
                .contentType(a.type())
                .cacheControl(CacheControl.noCache())
                .eTag(a.etag())
                .header("X-Content-Type-Options", "nosniff")
                .body(a.bytes());
    }

    static void crossOrigin(HttpHeaders h) {
        h.set("Access-Control-Allow-Origin", "*");
        h.set("Cross-Origin-Resource-Policy", "cross-origin");
    }

    private static Optional<Asset> load(String path) {
        ClassPathResource resource = new ClassPathResource(ROOT + path);
        if (!resource.exists()) return Optional.empty();
        try (InputStream in = resource.getInputStream()) {
            byte[] bytes = in.readAllBytes();
            MediaType type = path.endsWith(".d.ts") ? TYPESCRIPT : path.endsWith(".css") ? CSS : JAVASCRIPT;
            return Optional.of(new Asset(bytes, type, "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
