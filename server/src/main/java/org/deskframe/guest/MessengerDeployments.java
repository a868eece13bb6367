package org.deskframe.guest;

import java.util.List;
import java.util.Optional;

/**
 * The messenger deployments of every organisation (the admin API manages them). Every write is checked: origins exact
 * ({@code scheme://host[:port]}), the target queue an existing queue of the same organisation, a verification key
 * that Nimbus accepts; a bad value is a {@code request.invalid} naming the field.
 */
public interface MessengerDeployments {

    Optional<MessengerDeployment> find(String id);

    List<MessengerDeployment> inOrg(String orgId);

    MessengerDeployment create(String orgId, Definition definition);

    /** Replaces the definition (a null secret keeps the stored one when verification stays HS256). */
    MessengerDeployment update(String id, Definition definition);

    void delete(String id);

    /**
     * What an admin sets. {@code verificationSecret} (HS256, at least 32 bytes) and {@code verificationJwksUrl} are
     * exclusive; both null: customers are not verified. {@code businessHours} null: always open.
     */
    record Definition(String id, String name, List<String> allowedOrigins, String queueId, String greeting,
                      BusinessHours businessHours, String offlineMessage, List<String> prechatFields,
                      String verificationSecret, String verificationJwksUrl, boolean keepSecret,
                      MessengerDeployment.Attachments attachments) {

        public Definition(String id, String name, List<String> allowedOrigins, String queueId, String greeting,
                          BusinessHours businessHours, String offlineMessage, List<String> prechatFields,
                          String verificationSecret, String verificationJwksUrl, boolean keepSecret) {
            this(id, name, allowedOrigins, queueId, greeting, businessHours, offlineMessage, prechatFields, verificationSecret,
                    verificationJwksUrl, keepSecret, null);
        }
    }
}
