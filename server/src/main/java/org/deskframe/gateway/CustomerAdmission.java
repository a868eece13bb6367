package org.deskframe.gateway;

import java.util.List;
import org.deskframe.diagnostics.Problem;
import org.deskframe.tokens.VerifiedToken;

/**
 * What admits a customer's guest token to the messenger beyond the token itself: its deployment as it is now (it
 * exists, the page's origin is allowed). The guest capability provides it; the gateway knows no deployment.
 */
public interface CustomerAdmission {

    /**
     * @param embedOrigin the customer page's origin, as the messenger's frame reports it (the browser-checked origin of
     *                    the page that handed it the token); null when the client did not say
     * @return every problem found, empty to admit
     */
    List<Problem> problems(VerifiedToken guestToken, String embedOrigin);
}
