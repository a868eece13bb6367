/**
 * Token checks: verifies an access token with an exact cause for every refusal ({@link org.deskframe.tokens.AccessTokenVerifier}),
 * evaluates what a verified token may open ({@link org.deskframe.tokens.WidgetAccess}), protects the HTTP APIs with
 * both, and serves {@code /api/v2/tokens/me} and {@code /api/v2/authorize}. Uses identity's API and the catalogue, and
 * the cluster's control channel to hear of other nodes' revocations.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "cluster"})
package org.deskframe.tokens;
