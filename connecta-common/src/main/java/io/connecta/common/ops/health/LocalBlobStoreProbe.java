package io.connecta.common.ops.health;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local folder store ({@code connecta.blob.store=local}): its root ({@code connecta.blob.local.root}) must be a
 * folder this process can write to. The check writes and deletes a small file, since a permission look-up says
 * nothing for root and little on network mounts. The root is created once at start-up, never by the check itself,
 * so a folder that disappears (an unmounted volume) shows DOWN.
 */
@Component
public class LocalBlobStoreProbe implements BlobStoreProbe {

    private final Path root;

    public LocalBlobStoreProbe(@Value("${connecta.blob.local.root:${connecta.var-dir:var}/blobs}") Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            // the check reports it
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public String store() {
        return "local";
    }

    @Override
    public Health check() {
        Health.Builder health = new Health.Builder().withDetail("store", store()).withDetail("root", root.toString());
        if (!Files.isDirectory(root)) {
            return health.down().withDetail("error", "the root folder does not exist").build();
        }
        try {
            Path probe = Files.createTempFile(root, ".health-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            return health.down().withDetail("error", "the root folder is not writable: " + e).build();
        }
        return health.up().build();
    }
}
