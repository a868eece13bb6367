/**
 * The customer side: messenger deployments (allowed origins, target queue), guest sessions and their tokens, and the
 * optional integrator-signed customer identity. Publishes {@link org.deskframe.guest.CustomerConversationStarted} when
 * a customer opens a conversation; routing takes it from there.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "messaging", "gateway", "protocol", "cluster"})
package org.deskframe.guest;
