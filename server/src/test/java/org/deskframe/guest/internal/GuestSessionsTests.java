package org.deskframe.guest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyDouble;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.guest.CustomerConversationStarted;
import org.deskframe.guest.CustomerProfile;
import org.deskframe.guest.GuestSettings;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.guest.MessengerDeployments;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/** The session rules without a server: what a new conversation is made of, what a resume does not repeat. */
class GuestSessionsTests {

    private static final String ORIGIN = "https://shop.example";
    private final MessengerDeployments deployments = mock(MessengerDeployments.class);
    private final Visitors visitors = mock(Visitors.class);
    private final GuestTokens tokens = mock(GuestTokens.class);
    private final Conversations conversations = mock(Conversations.class);
    private final org.deskframe.messaging.ConversationAttributes attributes = mock(org.deskframe.messaging.ConversationAttributes.class);
    private final ConversationLog log = mock(ConversationLog.class);
    private final ClusterLimits limits = mock(ClusterLimits.class);
    private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);
    private final TransactionTemplate tx = mock(TransactionTemplate.class);
    private GuestSessions sessions;

    private final MessengerDeployment web = new MessengerDeployment("web", "demo", "Web", java.util.Set.of(ORIGIN), "demo-support",
            "Hello there", null, null, List.of("name"), null, Instant.EPOCH, Instant.EPOCH);

    @BeforeEach
    void setUp() {
        sessions = new GuestSessions(deployments, visitors, mock(CustomerTokens.class), tokens, conversations, log, limits,
                new GuestSettings(null, null, 0, 0, null, null), events, tx, attributes);
        when(deployments.find("web")).thenReturn(Optional.of(web));
        when(limits.tryTake(anyString(), anyDouble(), anyInt())).thenReturn(new ClusterLimits.Rate(true, Duration.ZERO, true));
        when(tokens.issue(anyString(), anyString(), anyString(), anyString(), anyBoolean(), any()))
                .thenReturn(new GuestTokens.Issued("jwt", Instant.now().plusSeconds(900)));
        doAnswer(inv -> {
            inv.<Consumer<TransactionStatus>>getArgument(0).accept(null);
            return null;
        }).when(tx).executeWithoutResult(any());
        when(tx.execute(any())).thenAnswer(inv -> inv.<org.springframework.transaction.support.TransactionCallback<?>>getArgument(0)
                .doInTransaction(null));
    }

    @Test
    void whenANewGuestArrivesThenItsConversationHasTheCustomerAndTheQueueTheGreetingAndTheEvent() {
        Conversation c = new Conversation("c_1", "demo", "Ada via Web", "open", 0, List.of(), Instant.now());
        when(conversations.start(eq("demo"), any(), any(), anyString())).thenReturn(c);
        when(log.append(any(), any(), anyString(), anyString())).thenReturn(CompletableFuture.completedFuture(null));

        GuestSessions.Opened o = sessions.open(new GuestSessions.Request("web", null, null, Map.of("name", "Ada"), false), ORIGIN, "10.0.0.1");

        assertThat(o.resumed()).isFalse();
        assertThat(o.conversation()).isEqualTo("c_1");
        ArgumentCaptor<Participant> creator = ArgumentCaptor.forClass(Participant.class);
        verify(conversations).start(eq("demo"), creator.capture(), eq(List.of(new Participant(Participant.Kind.QUEUE, "demo-support"))), eq("Ada via Web"));
        assertThat(creator.getValue().kind()).isEqualTo(Participant.Kind.CUSTOMER);
        // Agents find it by the customer's name (messaging's search), and see that name.
        verify(attributes).describe("c_1", Map.of("name", "Ada"));
        verify(log).append(c, new Participant(Participant.Kind.QUEUE, "demo-support"), "greeting", "Hello there");
        ArgumentCaptor<Object> event = ArgumentCaptor.forClass(Object.class);
        verify(events).publishEvent(event.capture());
        CustomerConversationStarted started = (CustomerConversationStarted) event.getValue();
        assertThat(started.conversationId()).isEqualTo("c_1");
        assertThat(started.deploymentId()).isEqualTo("web");
        assertThat(started.queueId()).isEqualTo("demo-support");
        assertThat(started.customer().name()).isEqualTo("Ada");
        assertThat(started.customer().id()).isEqualTo(creator.getValue().id());
        verify(limits).tryTake(eq("guest-sessions:" + ORIGIN + "|10.0.0.1"), anyDouble(), anyInt());
        // One transaction for all of it; the greeting (the conversation log's own commit) after it.
        verify(tx, org.mockito.Mockito.times(1)).execute(any());
        verify(tx, never()).executeWithoutResult(any());
        org.mockito.InOrder order = org.mockito.Mockito.inOrder(tokens, events, log);
        order.verify(tokens).issue(anyString(), anyString(), anyString(), anyString(), anyBoolean(), any());
        order.verify(events).publishEvent((Object) any());
        order.verify(log).append(any(), any(), anyString(), anyString());
    }

    @Test
    void whenAGuestGivesNothingThenItsConversationGetsNoAttributes() {
        Conversation c = new Conversation("c_1", "demo", "Guest via Web", "open", 0, List.of(), Instant.now());
        when(conversations.start(eq("demo"), any(), any(), anyString())).thenReturn(c);
        when(log.append(any(), any(), anyString(), anyString())).thenReturn(CompletableFuture.completedFuture(null));

        sessions.open(new GuestSessions.Request("web", null, null, null, false), ORIGIN, "10.0.0.1");

        // Nothing to be found by: not a lock, a count and a cache eviction for an empty set.
        verify(attributes, never()).describe(anyString(), any());
        verify(events).publishEvent((Object) any());
    }

    @Test
    void whenTheBrowserResumesThenNoConversationStartsAndNothingIsPublished() {
        CustomerProfile ada = new CustomerProfile("g_1", "Ada", null, false, Map.of());
        Visitors.Visitor v = new Visitors.Visitor("h", "web", "demo", "g_1", "c_1", false, ada, Instant.now());
        when(visitors.find("gr_x")).thenReturn(Optional.of(v));
        when(conversations.findFor(eq("demo"), eq(new Participant(Participant.Kind.CUSTOMER, "g_1")), eq("c_1")))
                .thenReturn(Optional.of(new Conversation("c_1", "demo", "s", "open", 3, List.of(), Instant.now())));

        GuestSessions.Opened o = sessions.open(new GuestSessions.Request("web", "gr_x", null, null, false), ORIGIN, "10.0.0.1");

        assertThat(o.resumed()).isTrue();
        assertThat(o.conversation()).isEqualTo("c_1");
        assertThat(o.resume()).isEqualTo("gr_x");
        verify(conversations, never()).start(anyString(), any(), any(), anyString());
        verify(events, never()).publishEvent(any());
    }

    @Test
    void whenPrechatHasFieldsTheDeploymentDoesNotAskForThenTheyAreRefused() {
        assertThatThrownBy(() -> sessions.open(new GuestSessions.Request("web", null, null, Map.of("email", "a@b.example"), false), ORIGIN, "ip"))
                .isInstanceOf(ProblemException.class).hasMessageContaining("does not ask for email");
        assertThatThrownBy(() -> sessions.open(new GuestSessions.Request("web", null, null, Map.of("phone", "1"), false), ORIGIN, "ip"))
                .hasMessageContaining("phone");
    }
}
