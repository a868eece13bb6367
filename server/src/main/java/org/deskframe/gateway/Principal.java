package org.deskframe.gateway;

/**
 * Who a gateway session belongs to, as the handshake established it (a snapshot: later changes reach the session
 * through revocation, not through this record). An agent signs in through its integrator's backend; a customer (a
 * guest of a messenger deployment) through the customer handshake.
 */
public sealed interface Principal {

    String id();

    String orgId();

    /** {@code agent:<id>} or {@code customer:<id>}: unique across kinds, the key of presence, fan-out and limits. */
    String key();

    /** An agent; the names shown to people come from the agent directory, not from here (a session is kept small). */
    record Agent(String id, String orgId) implements Principal {
        @Override
        public String key() {
            return keyOfAgent(id);
        }
    }

    record Customer(String id, String orgId) implements Principal {
        @Override
        public String key() {
            return keyOfCustomer(id);
        }
    }

    static String keyOfAgent(String agentId) {
        return "agent:" + agentId;
    }

    static String keyOfCustomer(String customerId) {
        return "customer:" + customerId;
    }
}
