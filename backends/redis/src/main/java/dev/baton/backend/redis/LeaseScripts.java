package dev.baton.backend.redis;

/**
 * The four atomic lease operations as Lua scripts. Every script takes {@code KEYS[1]} = the lease hash (fields
 * {@code holder}, {@code token} and, when the holder advertises leader metadata, {@code metadata}; expiring with
 * {@code PX}) and {@code KEYS[2]} = the last token handed out for the name; both share one hash tag (see
 * {@link LeaseKeys}). Replies carrying a lease are {@code {granted-or-found, holder, token, pttl, metadata}} (the
 * metadata in {@code LeaderMetadata.encode} form, empty when none); {@code {0}} means "no such lease".
 *
 * <p>Only acquire writes {@code metadata}, in the same script as the grant (a new grant or the holder's confirmation
 * replaces it, an empty value removes it); renew reads it for its reply but never writes it, and it goes with the hash
 * when the lease is released or expires. Scripts of earlier versions (which never write the field, and whose lease
 * hashes are new after every change of holder) work on the same keys, so a rolling upgrade needs no migration.
 *
 * <p>The fencing token is {@code max(last token + 1, server time in microseconds)} (Redis {@code TIME}), written only
 * when the lease changes hands. The counter part makes it strictly increasing while Redis keeps its data; the clock
 * part makes it keep increasing when Redis lost its data (restart without persistence, failover to a replica that
 * missed the last writes, the token key expired): a new token is then at least the server's current time, which is
 * later than every token issued before unless the server clock was set back. The token key outlives the lease by
 * {@link #TOKEN_RETENTION_MILLIS} so that names used once do not accumulate keys forever.
 *
 * <p>The restart quarantine ({@link RestartQuarantine}) is decided here, by the server, not by the caller, because
 * the participant that must be refused is often one that never saw the server before its restart. Before writing, the
 * acquire script reads {@code uptime_in_seconds} from {@code INFO server}; while it is below the ttl asked for
 * (rounded up to whole seconds) plus one second, the script grants nothing unless the mode is {@code auto} and
 * {@code INFO persistence} shows {@code aof_enabled:1}. {@code uptime_in_seconds} is the difference of two whole
 * seconds of the server's wall clock, so it may exceed the true uptime by up to a second: the extra second makes the
 * refusal last at least the ttl. Replies {@code {2, seconds left, run id, uptime seconds, server time ms, seconds
 * needed}} (a quarantine) and {@code {3, error}} ({@code INFO} refused inside scripts) are errors, never a lease.
 *
 * <p>Scripts that call {@code TIME} or {@code INFO} and then write need effect replication: the default since Redis
 * 5, the only mode since Redis 7. {@code INFO} is allowed in scripts ({@code CONFIG} is not, so the script cannot see
 * {@code appendfsync}).
 */
final class LeaseScripts {
    /** How long the token key outlives the lease: one day, enough to ride out clock steps while data is kept. */
    static final long TOKEN_RETENTION_MILLIS = 24L * 60 * 60 * 1000;

    /** First element of the acquire script's reply when the restart quarantine refused the grant. */
    static final long QUARANTINED = 2;
    /** First element of the acquire script's reply when {@code INFO} failed inside the script. */
    static final long INFO_REFUSED = 3;

    /**
     * ARGV: holder, ttl ms, token retention ms, metadata (encoded, empty for none), restart quarantine
     * ({@code auto}, {@code always} or {@code off}). Grants when absent, confirms (same token, new ttl) when ours,
     * storing the metadata with the holder either way; writes nothing when held by another or in quarantine.
     */
    static final LeaseScript ACQUIRE = LeaseScript.of("acquire", """
            local cur = redis.call('HMGET', KEYS[1], 'holder', 'token', 'metadata')
            if cur[1] and cur[1] ~= ARGV[1] then
              return {0, cur[1], cur[2], redis.call('PTTL', KEYS[1]), cur[3] or ''}
            end
            if ARGV[5] ~= 'off' then
              local server = redis.pcall('INFO', 'server')
              if type(server) ~= 'string' then
                return {3, 'INFO server: ' .. tostring(server.err or server)}
              end
              local up = tonumber(string.match(server, 'uptime_in_seconds:(%d+)'))
              if not up then
                return {3, 'INFO server has no uptime_in_seconds'}
              end
              local need = math.ceil(tonumber(ARGV[2]) / 1000) + 1
              if up < need then
                local aof = false
                if ARGV[5] == 'auto' then
                  local p = redis.pcall('INFO', 'persistence')
                  if type(p) ~= 'string' then
                    return {3, 'INFO persistence: ' .. tostring(p.err or p)}
                  end
                  aof = string.match(p, 'aof_enabled:1') ~= nil
                end
                if not aof then
                  local t = redis.call('TIME')
                  return {2, need - up, string.match(server, 'run_id:(%w+)') or '?', up,
                          tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), need}
                end
              end
            end
            local token = cur[2]
            if not cur[1] then
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
              local last = tonumber(redis.call('GET', KEYS[2]) or '0')
              token = string.format('%.0f', math.max(last + 1, now))
              redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'token', token)
            end
            if ARGV[4] ~= '' then
              redis.call('HSET', KEYS[1], 'metadata', ARGV[4])
            elseif cur[3] then
              redis.call('HDEL', KEYS[1], 'metadata')
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('SET', KEYS[2], token, 'PX', ARGV[2] + ARGV[3])
            return {1, ARGV[1], token, tonumber(ARGV[2]), ARGV[4]}
            """);

    /**
     * ARGV: holder, token, ttl ms, token retention ms. Extends only the same holder with the same token; replies with
     * the stored metadata, which it does not touch.
     */
    static final LeaseScript RENEW = LeaseScript.of("renew", """
            local cur = redis.call('HMGET', KEYS[1], 'holder', 'token', 'metadata')
            if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[2] then
              return {0}
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('SET', KEYS[2], cur[2], 'PX', ARGV[3] + ARGV[4])
            return {1, cur[1], cur[2], tonumber(ARGV[3]), cur[3] or ''}
            """);

    /** ARGV: holder, token, channel, name. Deletes only the same holder's lease and announces it; replies 1 or 0. */
    static final LeaseScript RELEASE = LeaseScript.of("release", """
            local cur = redis.call('HMGET', KEYS[1], 'holder', 'token')
            if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[2] then
              return 0
            end
            redis.call('DEL', KEYS[1])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """);

    /** No ARGV. The lease with its remaining time, read in one step so the two agree. */
    static final LeaseScript READ = LeaseScript.of("read", """
            local cur = redis.call('HMGET', KEYS[1], 'holder', 'token', 'metadata')
            if not cur[1] then
              return {0}
            end
            return {1, cur[1], cur[2], redis.call('PTTL', KEYS[1]), cur[3] or ''}
            """);

    private LeaseScripts() {}
}
