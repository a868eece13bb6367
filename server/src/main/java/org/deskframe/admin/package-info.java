/**
 * The admin REST API ({@code /api/v2/admin}): organisations, agents, queues, OAuth clients and signing keys, managed
 * through identity's directories (and routing's configuration of queues and agents) by a deployment admin or, confined to its own organisation, an org's admin client.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "routing"})
package org.deskframe.admin;
