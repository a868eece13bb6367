/**
 * What an acknowledgement is worth: the storage engine's durability, checked and reported at start-up. On the
 * embedded H2 default every commit reaches the file before it returns and is written through to the device
 * ({@link org.deskframe.storage.SyncedH2Files}); on PostgreSQL the server's own settings decide, and are read.
 * And the time base nodes share ({@link org.deskframe.storage.SharedClock}): the database's clock, which durable timers
 * stamped by one node and compared by another must agree on. Uses nothing of the other capabilities.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
package org.deskframe.storage;
