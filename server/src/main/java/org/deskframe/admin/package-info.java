/**
 * The admin REST API ({@code /api/v2/admin}): organisations, agents, queues, OAuth clients, signing keys, messenger
 * deployments and canned responses, managed through identity's directories, guest's deployments, messaging's canned
 * responses and routing's configuration of queues and agents, by a deployment admin or, confined to its own
 * organisation, an org's admin client.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "guest", "messaging", "routing", "calls"})
package org.deskframe.admin;
