package io.ratchet.node.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.api.TransType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** msg topics: subscriptions as replicated state, and {@code topic://} steps fanning out when a message is stored. */
class TopicsTest {

    private final TransOptions options = new TransOptions(false, 0, 1_000, 3_000, Map.of(), false, 0, Map.of());

    private Topics subscribed() {
        Topics topics = Topics.apply(Topics.NONE, new Command.Subscribe("orders", "http://svc/a", "")).after();
        topics = Topics.apply(topics, new Command.Subscribe("orders", "http://svc/b", "second")).after();
        return Topics.apply(topics, new Command.Subscribe("orders", "http://svc/a", "again")).after();
    }

    @Test
    void shouldKeepSubscribersInOrderOnceEach() {
        assertThat(subscribed().subscribers("orders")).extracting(Topics.Subscriber::url)
                .containsExactly("http://svc/a", "http://svc/b");
    }

    @Test
    void shouldRemoveSubscribersAndTopicsAndRefuseUnknownOnes() {
        Topics topics = Topics.apply(subscribed(), new Command.Unsubscribe("orders", "http://svc/a")).after();
        assertThat(topics.subscribers("orders")).hasSize(1);
        assertThat(Topics.apply(topics, new Command.Unsubscribe("orders", "http://svc/zzz")).refusal()).contains("zzz");

        Topics.TopicOutcome deleted = Topics.apply(topics, new Command.DeleteTopic("orders"));
        assertThat(deleted.after().subscribers("orders")).isEmpty();
        assertThat(Topics.apply(deleted.after(), new Command.DeleteTopic("orders")).refusal()).contains("No topic");
    }

    @Test
    void shouldFanATopicStepOutToOneRowPerSubscriber() {
        Command.Submit submit = new Command.Submit("g1", TransType.MSG,
                List.of(new Step("http://svc/first", ""), new Step("topic://orders", "")), List.of("p0", "p1"), "",
                options);

        Outcome outcome = Transitions.apply(null, submit, 1_000, subscribed());

        GlobalTransaction tx = ((Outcome.Accepted) outcome).after();
        assertThat(tx.branches()).extracting(b -> b.branchId() + " " + b.url() + " " + b.payload())
                .containsExactly("01 http://svc/first p0", "02-01 http://svc/a p1", "02-02 http://svc/b p1");
    }

    @Test
    void shouldRefuseAMessageToAnUnknownTopic() {
        Command.Submit submit = new Command.Submit("g1", TransType.MSG, List.of(new Step("topic://nobody", "")),
                List.of(), "", options);

        Outcome outcome = Transitions.apply(null, submit, 1_000, subscribed());

        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) outcome).rejection().message()).contains("nobody");
    }

    @Test
    void shouldKeepTopicsInTheStoreImage() throws Exception {
        TransactionStore store = new TransactionStore(new InMemoryFinishedStore());
        store.setTopics(subscribed());
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        store.image().writeTo(image);

        TransactionStore restored = new TransactionStore(new InMemoryFinishedStore());
        restored.readFrom(new ByteArrayInputStream(image.toByteArray()), 1, 1);

        assertThat(restored.topics()).isEqualTo(store.topics());
    }
}
