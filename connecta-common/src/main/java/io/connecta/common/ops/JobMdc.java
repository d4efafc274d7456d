package io.connecta.common.ops;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Every log line of a job's processing carries its job id: before each step of any route, the exchange's
 * {@value #HEADER} header is copied into the logging MDC key {@value #KEY} (and the key is removed for exchanges
 * without one); when the exchange completes, the key is cleared. Camel's own MDC keys ({@code camel.routeId},
 * {@code camel.breadcrumbId}, …) come from {@code camel.main.use-mdc-logging=true}; the logging pattern prints
 * both. Registered once for the CamelContext, so a job route needs nothing but the header. {@link #fromHeader()}
 * does the same as an explicit step, e.g. right after a route sets the header.
 */
@Component
public class JobMdc implements InterceptStrategy {

    public static final String KEY = "jobId";
    public static final String HEADER = "jobId";
    private static final String CLEARS = "ConnectaJobMdcClears";

    /** A step that copies the {@value #HEADER} header into the MDC now. */
    public static Processor fromHeader() {
        return JobMdc::apply;
    }

    static void apply(Exchange exchange) {
        String jobId = exchange.getMessage().getHeader(HEADER, String.class);
        if (jobId == null) {
            MDC.remove(KEY);
            return;
        }
        MDC.put(KEY, jobId);
        if (exchange.getProperty(CLEARS) == null) {
            exchange.setProperty(CLEARS, Boolean.TRUE);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    MDC.remove(KEY);
                }
            });
        }
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                apply(exchange);
                return super.process(exchange, callback);
            }
        };
    }
}
