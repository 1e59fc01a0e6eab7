package dev.baton.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests a jetcd client sends: a unary call is one, each message on a stream (a keep-alive) is one. The
 * etcd store answers many renewals from its shared lease and watch without a request, so counting store calls would
 * overstate its traffic.
 */
final class GrpcRequestCounter implements ClientInterceptor {
    private final LongAdder sent = new LongAdder();

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void sendMessage(Q message) {
                sent.increment();
                super.sendMessage(message);
            }
        };
    }

    long sum() {
        return sent.sum();
    }

    void reset() {
        sent.reset();
    }
}
