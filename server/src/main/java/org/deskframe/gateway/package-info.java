/**
 * The edge: the one WebSocket gateway ({@code /api/v2/stream}) for every widget. It owns sessions of a principal (an
 * agent, later a customer), the authenticated handshake that always names its failure, framing, ids, limits,
 * heartbeats, in-place token refresh, expiry warnings and revocation, and dispatches every other op to the capability
 * that registered an {@link org.deskframe.gateway.OpHandler} for it. Its root package is what capabilities use:
 * {@link org.deskframe.gateway.GatewaySession}, {@link org.deskframe.gateway.Principal}, handlers, listeners and pushes.
 * Uses token checks for the handshake; knows no capability's rules.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "protocol", "cluster"})
package org.deskframe.gateway;
