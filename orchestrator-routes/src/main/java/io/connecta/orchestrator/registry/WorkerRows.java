package io.connecta.orchestrator.registry;

import io.connecta.common.worker.WorkerRegistration;
import io.connecta.common.sql.Rows;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps registrations to the SQL parameters of {@code worker} and rows to {@link WorkerView}s. */
@Component
public class WorkerRows {

    private final Clock clock;
    private final RegistryProperties properties;

    public WorkerRows(Clock clock, RegistryProperties properties) {
        this.clock = clock;
        this.properties = properties;
    }

    public Map<String, Object> toParams(WorkerRegistration r) {
        Map<String, Object> params = new HashMap<>();
        params.put("instanceId", r.instanceId());
        params.put("workerType", r.workerType());
        params.put("baseUrl", r.baseUrl());
        params.put("version", r.version() == null ? "" : r.version());
        // null for a worker that sends none: a re-registration without one clears the old one (nothing to compare)
        params.put("incarnation", r.incarnation());
        params.put("leaseSeconds", properties.getLeaseSeconds());
        params.put("now", now());
        return params;
    }

    public OffsetDateTime now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
    }

    public WorkerView fromRow(Map<String, Object> row) {
        Map<String, Object> r = Rows.caseInsensitive(row);
        Instant heartbeat = Rows.instant(r.get("last_heartbeat"));
        int lease = ((Number) r.get("lease_seconds")).intValue();
        boolean up = !heartbeat.plusSeconds(lease).isBefore(clock.instant());
        return new WorkerView((String) r.get("instance_id"), (String) r.get("worker_type"), (String) r.get("base_url"),
                up ? WorkerView.WorkerStatus.UP : WorkerView.WorkerStatus.DOWN, heartbeat, (String) r.get("version"), lease,
                (String) r.get("incarnation"));
    }

    public List<WorkerView> fromRows(List<Map<String, Object>> rows) {
        return rows.stream().map(this::fromRow).toList();
    }

}
