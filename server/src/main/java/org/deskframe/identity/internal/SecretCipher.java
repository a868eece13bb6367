package org.deskframe.identity.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.deskframe.identity.IdentitySettings;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.stereotype.Component;

/**
 * Encrypts what must be stored recoverably (private signing keys, HS256 client secrets) with AES-GCM under the
 * server key. The key comes from configuration; the embedded default creates a random one once under the data dir.
 */
@Component
class SecretCipher {

    private final TextEncryptor encryptor;

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
    }

    String encrypt(String plain) {
        return encryptor.encrypt(plain);
    }

    String decrypt(String encrypted) {
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
