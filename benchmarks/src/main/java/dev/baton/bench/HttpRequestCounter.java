package dev.baton.bench;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.publisher.Mono;

/**
 * Counts the HTTP requests an Azure SDK client sends, retries included (it sits in the per-try part of the pipeline).
 * One Azure Blob store call is a read and one to three conditional writes, so counting store calls would understate
 * its traffic.
 */
final class HttpRequestCounter implements HttpPipelinePolicy {
    private final LongAdder sent = new LongAdder();

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        sent.increment();
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        sent.increment();
        return next.processSync();
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    long sum() {
        return sent.sum();
    }

    void reset() {
        sent.reset();
    }
}
