/**
 * Calls: what voice and video need from the platform besides the gateway. Today the ICE servers a client may use,
 * with short-lived TURN credentials in the TURN REST scheme coturn implements (docs/calls.md); signalling and call
 * records build on it.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "tokens", "protocol",
        "gateway", "cluster", "messaging", "routing"})
package org.deskframe.calls;
