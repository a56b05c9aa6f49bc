package io.ratchet.node.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The msg topics: each topic's subscribers in subscription order. Immutable; changes return a new value, so the
 * store can publish it to readers on other threads without locks.
 */
public record Topics(Map<String, List<Subscriber>> byName) {

    /** One subscriber of a topic: the URL a message step {@code topic://name} calls, and a free-text remark. */
    public record Subscriber(String url, String remark) {
    }

    public static final Topics NONE = new Topics(Map.of());

    public Topics {
        TreeMap<String, List<Subscriber>> copy = new TreeMap<>();
        byName.forEach((name, subscribers) -> copy.put(name, List.copyOf(subscribers)));
        byName = java.util.Collections.unmodifiableMap(copy);
    }

    public List<Subscriber> subscribers(String topic) {
        return byName.getOrDefault(topic, List.of());
    }

    Topics with(String topic, List<Subscriber> subscribers) {
        Map<String, List<Subscriber>> copy = new TreeMap<>(byName);
        if (subscribers.isEmpty()) {
            copy.remove(topic);
        } else {
            copy.put(topic, subscribers);
        }
        return new Topics(copy);
    }

    /** Applies a topic command: the topics after it, or why not. Pure. */
    public static TopicOutcome apply(Topics before, Command.TopicCommand command) {
        if (command instanceof Command.Subscribe s) {
            List<Subscriber> subscribers = new ArrayList<>(before.subscribers(s.topic()));
            if (subscribers.stream().anyMatch(x -> x.url().equals(s.url()))) {
                return new TopicOutcome(before, null); // subscribing twice is idempotent
            }
            subscribers.add(new Subscriber(s.url(), s.remark()));
            return new TopicOutcome(before.with(s.topic(), subscribers), null);
        } else if (command instanceof Command.Unsubscribe u) {
            List<Subscriber> subscribers = new ArrayList<>(before.subscribers(u.topic()));
            if (!subscribers.removeIf(x -> x.url().equals(u.url()))) {
                return new TopicOutcome(before, "Topic '" + u.topic() + "' has no subscriber " + u.url());
            }
            return new TopicOutcome(before.with(u.topic(), subscribers), null);
        } else if (command instanceof Command.DeleteTopic d) {
            if (!before.byName.containsKey(d.topic())) {
                return new TopicOutcome(before, "No topic '" + d.topic() + "'");
            }
            return new TopicOutcome(before.with(d.topic(), List.of()), null);
        }
        throw new IllegalArgumentException("Unknown topic command " + command);
    }

    /** The topics after a command, or the reason it was refused ({@code null} when accepted). */
    public record TopicOutcome(Topics after, String refusal) {
    }
}
