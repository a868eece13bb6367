package org.deskframe.messaging.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.HttpProblems;
import org.deskframe.diagnostics.Problem;
import org.deskframe.messaging.Attachment;
import org.deskframe.messaging.ConversationViews;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * Attachments over HTTP, by participants only (an agent's token with the messaging scopes, or a customer's guest token
 * for its own conversation). Served inert: as a download, never sniffed by the browser, sandboxed, not cached by others.
 */
@RestController
@RequestMapping("/api/v2/conversations")
@Tag(name = "Conversations")
class AttachmentController {

    private final ConversationAttachments attachments;
    private final Views views;

    AttachmentController(ConversationAttachments attachments, Views views) {
        this.attachments = attachments;
        this.views = views;
    }

    @PostMapping(path = "/{id}/attachments", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201", description = "Stored and posted")
    @Operation(operationId = "sendAttachment", summary = "Send a file (multipart part 'file'; optional clientMessageId and text): stored, then posted as a "
            + "message that refers to it. Its type is sniffed from the bytes; too large: 413 attachment.too_large, a type "
            + "not allowed: 415 attachment.type_not_allowed")
    ResponseEntity<Map<String, Object>> upload(@Parameter(hidden = true) VerifiedToken token, @PathVariable String id,
                                               @RequestParam("file") MultipartFile file,
                                               @RequestParam(required = false) String clientMessageId,
                                               @RequestParam(required = false) String text) {
        Member m = Member.of(token);
        var sent = attachments.send(m, id, clientMessageId, text,
                new ConversationAttachments.Upload(file.getOriginalFilename(), file.getSize(), file::getInputStream));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("attachment", ConversationViews.attachment(sent.attachment()));
        body.put("message", views.message(sent.appended().message()));
        body.put("duplicate", sent.appended().duplicate());
        return ResponseEntity.status(sent.appended().duplicate() ? HttpStatus.OK : HttpStatus.CREATED).body(body);
    }

    @GetMapping("/{id}/attachments/{attachmentId}")
    @Operation(operationId = "getAttachment", summary = "The file's bytes, to the conversation's participants only (anyone else: 404), as a download "
            + "with its sniffed type, nosniff and a sandbox CSP")
    ResponseEntity<Resource> download(@Parameter(hidden = true) VerifiedToken token, @PathVariable String id,
                                      @PathVariable String attachmentId) {
        Member m = Member.of(token);
        Attachment a = attachments.find(m, id, attachmentId);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(a.contentType()))
                .contentLength(a.size())
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(a.name(), StandardCharsets.UTF_8).build().toString())
                .header("X-Content-Type-Options", "nosniff")
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header("Cross-Origin-Resource-Policy", "same-site")
                .body(new InputStreamResource(attachments.open(a)));
    }

    /** Over the multipart ceiling (application.yml): the same code as over the sender's own limit. */
    @ExceptionHandler(MaxUploadSizeExceededException.class)
    void overCeiling(HttpServletResponse response) throws IOException {
        HttpProblems.write(response, Problem.of(ErrorCode.ATTACHMENT_TOO_LARGE, Map.of("file", "(upload)",
                "limit", org.deskframe.messaging.AttachmentSettings.CEILING, "who", "every sender",
                "setting", "spring.servlet.multipart.max-file-size")));
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MultipartException.class})
    void notMultipart(Exception e, HttpServletResponse response) throws IOException {
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                "send the file as multipart/form-data with a part named 'file' (" + e.getClass().getSimpleName() + ")")));
    }
}
