package io.connecta.cu.dropin;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster-wide drop-in lock: camel-sql's orphan-aware JDBC repository (the holder refreshes its rows; a row
 * not refreshed for the max age belongs to a dead worker and may be taken over), made safe for workers that race for
 * the same file. Two gaps of the stock class, both seen with two workers on one folder (2 of 50 files ran twice):
 * <ul>
 *   <li>it checks for a fresh row and then, in a second statement, takes over any row it finds as an orphan, so a
 *       worker could "take over" the lock another had just inserted. Here a row is taken over only by one statement
 *       that requires it to be stale; otherwise a plain INSERT runs, and the primary key refuses it;</li>
 *   <li>camel-file releases the lock of a file it could not lock (the rollback of that attempt), which deleted the
 *       row of the worker that holds it. Here a worker deletes only rows it inserted itself.</li>
 * </ul>
 */
public class DropInLocks extends JdbcOrphanLockAwareIdempotentRepository {

    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public DropInLocks(DataSource dataSource, CamelContext camelContext) {
        super(dataSource, "dropin", camelContext);
    }

    @Override
    protected int insert(String key) {
        Timestamp now = new Timestamp(System.currentTimeMillis());
        Timestamp stale = new Timestamp(now.getTime() - getLockMaxAgeMillis());
        int takenOver = jdbcTemplate.update("UPDATE " + getTableName() + " SET createdAt = ? WHERE processorName = ?"
                + " AND messageId = ? AND createdAt < ?", now, processorName, key, stale);
        if (takenOver == 0) {
            // throws DuplicateKeyException if another worker holds the file: the lock is not acquired
            jdbcTemplate.update(getInsertString(), processorName, key, now);
        }
        // the row is ours now: the stock code refreshes it and keeps it alive while the file is processed
        int rows = super.insert(key);
        held.add(key);
        return rows;
    }

    @Override
    protected int delete(String key) {
        return held.remove(key) ? super.delete(key) : 0;
    }
}
