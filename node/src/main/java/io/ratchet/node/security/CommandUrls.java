package io.ratchet.node.security;

import io.ratchet.node.model.Command;
import io.ratchet.node.model.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every URL a command would have the coordinator call, named by the request field it came from. */
public final class CommandUrls {

    /** One URL and the request field (as the 400 answer names it) that carried it. */
    public record FieldUrl(String field, String url) {
    }

    /** A URL the policy refuses: where it was and why. */
    public record Violation(String field, String reason) {
    }

    private CommandUrls() {
    }

    public static Optional<Violation> firstRefused(Command command, BranchUrlPolicy policy) {
        for (FieldUrl f : of(command)) {
            Optional<String> refusal = policy.refusal(f.url());
            if (refusal.isPresent()) {
                return Optional.of(new Violation(f.field(), "Refused " + f.field() + ": " + refusal.get()));
            }
        }
        return Optional.empty();
    }

    static List<FieldUrl> of(Command command) {
        List<FieldUrl> urls = new ArrayList<>();
        if (command instanceof Command.Submit s) {
            steps(s.steps(), urls);
        } else if (command instanceof Command.PrepareMessage m) {
            steps(m.steps(), urls);
            add("query_prepared", m.queryPrepared(), urls);
        } else if (command instanceof Command.RegisterBranch r) {
            boolean xa = r.doUrl().equals(r.undoUrl());
            add(xa ? "url" : "confirm", r.doUrl(), urls);
            add(xa ? "url" : "cancel", r.undoUrl(), urls);
        } else if (command instanceof Command.PrepareWorkflow w) {
            add("query_prepared", w.resumeUrl(), urls);
        } else if (command instanceof Command.Subscribe s) {
            add("url", s.url(), urls);
        }
        return urls;
    }

    private static void steps(List<Step> steps, List<FieldUrl> urls) {
        for (int i = 0; i < steps.size(); i++) {
            add("steps[" + i + "].action", steps.get(i).action(), urls);
            add("steps[" + i + "].compensate", steps.get(i).compensate(), urls);
        }
    }

    /** Empty URLs are never called, and topic:// actions are resolved to subscribers, checked when they subscribe. */
    private static void add(String field, String url, List<FieldUrl> urls) {
        if (url != null && !url.isEmpty() && !url.startsWith("topic://")) {
            urls.add(new FieldUrl(field, url));
        }
    }
}
