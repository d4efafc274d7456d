package io.connecta.orchestrator.jobs;

import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTempQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The orchestrator may write to every {@code connecta.>} destination: a requester must not make it put a result
 * where the requester itself may not write (issue 11). Replies go to temporary destinations or under
 * {@code connecta.replies.}.
 */
class ReplyDestinationsTest {

    @Test
    void temporaryAndConnectaRepliesDestinationsAreAccepted() {
        assertThat(ReplyDestinations.toUri(new ActiveMQTempQueue("ID:host-1-2:1:1"))).isEqualTo("temp-queue:ID:host-1-2:1:1");
        assertThat(ReplyDestinations.toUri(new ActiveMQQueue("connecta.replies.orders"))).isEqualTo("queue:connecta.replies.orders");
        assertThat(ReplyDestinations.toUri(new ActiveMQTopic("connecta.replies.orders"))).isEqualTo("topic:connecta.replies.orders");
    }

    @ParameterizedTest
    @ValueSource(strings = {"connecta.jobs.cu", "connecta.jobs.results", "connecta.jobs.submit", "connecta.replies.",
            "orders.replies", "ActiveMQ.DLQ"})
    void anyOtherQueueIsRefused(String queue) {
        assertThatThrownBy(() -> ReplyDestinations.toUri(new ActiveMQQueue(queue))).as(queue)
                .isInstanceOf(InvalidJobMessageException.class).hasMessageContaining("connecta.replies.");
    }
}
