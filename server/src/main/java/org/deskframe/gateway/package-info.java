/**
 * The one WebSocket gateway ({@code /api/v2/stream}) for every widget: the authenticated handshake that always
 * names its failure, heartbeats, in-place token refresh, expiry warnings, revocation, limits, and live delivery of
 * messaging events. Uses token checks for the handshake and messaging's public API for conversations.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "messaging", "protocol"})
package org.deskframe.gateway;
