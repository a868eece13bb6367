/**
 * Routing: queues' routing configuration and members, agents' presence and capacity, and the engine that offers each
 * waiting customer conversation to the available member idle longest, with its state in the database so that a
 * restart or a second node never drops or double-assigns one (docs/routing.md). Takes conversations from
 * {@link org.deskframe.guest.CustomerConversationStarted}, adds agents to them through messaging's interface, serves
 * its ops on the gateway and reads the cluster's presence; its timers run on the shared database clock (storage).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "protocol",
        "gateway", "cluster", "messaging", "guest", "storage"})
package org.deskframe.routing;
