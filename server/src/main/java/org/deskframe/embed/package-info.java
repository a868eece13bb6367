/**
 * Embedding: serves the {@code EmbeddingClient} ES module and its type declarations, the widget pages (framed only by
 * the allowed embedding origins of the OAuth client they name) and the public embed discovery that the client checks
 * before connecting, and the customer messenger's snippet and panel page (framed only by its deployment's allowed origins).
 * Uses identity's directories and settings, the token checks' client rules, guest's deployments and the error catalogue.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "gateway", "tokens", "guest"})
package org.deskframe.embed;
