/**
 * How the platform process starts: whether the bean definitions Spring AOT fixed at build time may be used for this
 * start ({@link org.deskframe.startup.SpringAotGuard}), judged by the inputs the build's conditions read
 * ({@link org.deskframe.startup.ConditionInputs}), and which cryptography provider serves first
 * ({@link org.deskframe.startup.NativeCryptography}). Uses nothing of the other capabilities.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
package org.deskframe.startup;
