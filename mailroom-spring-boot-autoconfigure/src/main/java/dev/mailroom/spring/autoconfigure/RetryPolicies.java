package dev.mailroom.spring.autoconfigure;

import dev.mailroom.retry.RetryPolicy;

/** A {@link RetryPolicy} from {@code <prefix>.retry.*} (and a max-attempts property), errors naming the property. */
final class RetryPolicies {

    private RetryPolicies() {
    }

    static RetryPolicy from(String prefix, MailroomProperties.Retry retry, String maxAttemptsProperty, int maxAttempts) {
        return from(new PropertyErrors(prefix), retry, maxAttemptsProperty, maxAttempts);
    }

    /** The same, naming the properties as {@code errors} does. */
    static RetryPolicy from(PropertyErrors errors, MailroomProperties.Retry retry, String maxAttemptsProperty,
                            int maxAttempts) {
        RetryPolicy.Builder builder = RetryPolicy.builder()
                .initialDelay(errors.note("initialDelay", "retry.initial-delay", retry.getInitialDelay()))
                .maxDelay(errors.note("maxDelay", "retry.max-delay", retry.getMaxDelay()))
                .jitter(errors.note("jitter", "retry.jitter", retry.getJitter()))
                .maxAttempts(errors.note("maxAttempts", maxAttemptsProperty, maxAttempts));
        return errors.build(builder::build);
    }
}
