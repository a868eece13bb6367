/**
 * Calls: voice and video between agents, and between a conversation's agent and its customer (docs/calls.md). The
 * ICE servers a client may use, with short-lived TURN credentials; the call ops on the gateway and a durable state
 * machine per call (ringing, connected, held, ended) whose timers live in the database (on its clock, storage's SharedClock); call records for participants
 * and, through {@link org.deskframe.calls.CallRecords}, the admin API. Tells routing who is on a call
 * ({@link org.deskframe.routing.OnCallAgents}); reads conversations through messaging's interface.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "protocol",
        "gateway", "cluster", "messaging", "routing", "storage"})
package org.deskframe.calls;
