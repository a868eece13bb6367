package org.deskframe.identity;

/**
 * Encryption of what other capabilities must store recoverably (a messenger deployment's HS256 secret), under the same
 * server key and cipher as identity's own secrets, so every node can read what another wrote.
 */
public interface SecretsAtRest {
    String encrypt(String plain);

    String decrypt(String encrypted);
}
