package org.deskframe.messaging.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.messaging.AttachmentLimits;

/**
 * What an uploaded file is and whether it may be kept: its type is sniffed from its bytes (Tika's magic, with the
 * name only to tell apart what the bytes leave open, such as an Office file inside a zip); what the client declared is
 * never read. Active content a browser could run (HTML, SVG, XML, JavaScript) is refused whatever the limits allow,
 * and a file named as an image must have an image's bytes.
 */
final class ContentRules {

    private static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();
    private static final MediaTypeRegistry REGISTRY = TYPES.getMediaTypeRegistry();
    private static final Set<MediaType> ACTIVE = Set.of(MediaType.TEXT_HTML, MediaType.application("xhtml+xml"),
            MediaType.image("svg+xml"), MediaType.APPLICATION_XML, MediaType.text("xml"), MediaType.text("javascript"),
            MediaType.application("javascript"), MediaType.application("x-javascript"), MediaType.application("ecmascript"),
            MediaType.text("ecmascript"), MediaType.application("x-shockwave-flash"), MediaType.text("x-web-markdown"));

    private ContentRules() {}

    /** A name fit for headers and the file system's view: no path, no control characters, at most 200 characters. */
    static String fileName(String original) {
        String name = original == null ? "" : original;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.replaceAll("[\\p{Cntrl}\"]", "").strip();
        if (name.length() > 200) name = name.substring(name.length() - 200);
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "file" : name;
    }

    /**
     * The sniffed type if the file may be kept under {@code limits}; else {@code attachment.type_not_allowed} with
     * the reason. {@code setting} names where the sender's list is configured; {@code content} must support mark/reset.
     */
    static String judge(InputStream content, String name, AttachmentLimits limits, String setting) throws IOException {
        content.mark(TYPES.getMinLength() + 1);
        MediaType byBytes = detect(content, null).getBaseType();
        content.reset();
        MediaType withName = detect(content, name).getBaseType();
        for (MediaType t : List.of(byBytes, withName)) {
            if (isActive(t)) {
                throw refused(name, "its content is " + t + " (active content a browser could run), which is never accepted"
                        + namedAs(name, t), limits, setting);
            }
        }
        MediaType named = declaredByName(name);
        if (named != null && "image".equals(named.getType()) && !named.equals(byBytes)) {
            throw refused(name, "it is named as " + named + " but its bytes are " + byBytes, limits, setting);
        }
        String type = withName.toString();
        if (!allowed(type, limits.allowedTypes())) {
            throw refused(name, "its content is " + type + ", which is not allowed here", limits, setting);
        }
        return type;
    }

    static boolean allowed(String type, List<String> allowedTypes) {
        String t = type.toLowerCase(Locale.ROOT);
        for (String a : allowedTypes) {
            String rule = a.strip().toLowerCase(Locale.ROOT);
            if (rule.equals(t) || (rule.endsWith("/*") && t.startsWith(rule.substring(0, rule.length() - 1)))) return true;
        }
        return false;
    }

    private static boolean isActive(MediaType t) {
        if (ACTIVE.contains(t)) return true;
        for (MediaType a : ACTIVE) {
            if (REGISTRY.isSpecializationOf(t, a)) return true;
        }
        return false;
    }

    private static String namedAs(String name, MediaType sniffed) {
        MediaType named = declaredByName(name);
        return named != null && !named.equals(sniffed) ? " (although it is named '" + name + "')" : "";
    }

    /** What the name alone claims, or null when it claims nothing. */
    private static MediaType declaredByName(String name) {
        if (name == null) return null;
        Metadata m = new Metadata();
        m.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        try {
            MediaType t = TYPES.detect(null, m);
            return MediaType.OCTET_STREAM.equals(t) ? null : t.getBaseType();
        } catch (IOException e) {
            return null;
        }
    }

    private static MediaType detect(InputStream content, String name) throws IOException {
        Metadata m = new Metadata();
        if (name != null) m.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        return TYPES.detect(content, m);
    }

    private static ProblemException refused(String name, String reason, AttachmentLimits limits, String setting) {
        return ProblemException.of(ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED, Map.of("file", name, "reason", reason,
                "allowed", String.join(", ", limits.allowedTypes()), "setting", setting));
    }
}
