package org.deskframe.identity.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import org.deskframe.identity.IdentitySettings;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.stereotype.Component;

/**
 * Encrypts what must be stored recoverably (private signing keys, HS256 client secrets) with AES-GCM under the
 * server key, and derives the other keys the server needs from it (HKDF-SHA256, one per purpose). The key comes from
 * configuration; the embedded default creates a random one once under the data dir.
 */
@Component
class SecretCipher implements org.deskframe.identity.SecretsAtRest {

    private final TextEncryptor encryptor;
    private final byte[] serverKey;

    SecretCipher(IdentitySettings settings) {
        String key = settings.secretKey();
        if (key == null || key.isBlank()) {
            key = loadOrCreateKeyFile(Path.of(settings.dataDir(), "secret.key"));
        }
        if (key.length() < 32) {
            throw new IllegalStateException("deskframe.identity.secret-key must be at least 32 characters");
        }
        String salt = HexFormat.of().formatHex(sha256(("deskframe-salt:" + key).getBytes(StandardCharsets.UTF_8)), 0, 16);
        this.encryptor = Encryptors.delux(key, salt);
        this.serverKey = key.getBytes(StandardCharsets.UTF_8);
    }

    /** A 256-bit key for {@code purpose}, derived from the server key (HKDF-SHA256, RFC 5869): the same on every node. */
    byte[] derivedKey(String purpose) {
        try {
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            SecretKey key = hkdf.deriveKey("Generic", HKDFParameterSpec.ofExtract()
                    .addIKM(serverKey).addSalt("deskframe-hkdf-salt".getBytes(StandardCharsets.UTF_8))
                    .thenExpand(("deskframe:" + purpose).getBytes(StandardCharsets.UTF_8), 32));
            return key.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available", e);
        }
    }

    @Override
    public String encrypt(String plain) {
        return encryptor.encrypt(plain);
    }

    @Override
    public String decrypt(String encrypted) {
        return encryptor.decrypt(encrypted);
    }

    private static String loadOrCreateKeyFile(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = HexFormat.of().formatHex(random);
            Files.writeString(file, key);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system: the file stays with default permissions
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the server key file " + file, e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
