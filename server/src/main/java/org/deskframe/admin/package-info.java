/**
 * The admin REST API ({@code /api/v2/admin}): organisations, agents, queues, OAuth clients, signing keys and messenger
 * deployments, managed through identity's directories and guest's deployments by a deployment admin or, confined to its own organisation, an org's admin client.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "guest"})
package org.deskframe.admin;
