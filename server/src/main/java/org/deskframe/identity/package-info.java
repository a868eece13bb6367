/**
 * Who is who: regions, organisations, agents, queues, OAuth clients and the OAuth 2 authorization server
 * (Spring Security's) that issues the tokens the widgets present. Its root package is its API: the
 * directories, the scope table, signing keys and the token ledger; everything else is {@code internal}.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "cluster"})
package org.deskframe.identity;
