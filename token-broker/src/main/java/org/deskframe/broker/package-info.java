/**
 * The token broker: what an integrator's backend uses to obtain, cache and refresh Deskframe access tokens for its
 * agents. Depends on the JDK and Nimbus JOSE only (no Spring), so any Java backend can use it.
 */
package org.deskframe.broker;
