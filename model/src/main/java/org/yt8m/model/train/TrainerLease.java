package org.yt8m.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One trainer per training directory: the {@value #FILE} file that a trainer creates before it
 * touches anything and deletes when it ends. It names its holder (host, process id, when the
 * process and the run started) and is renewed every {@link #RENEW_EVERY} by a daemon thread.
 *
 * <p>A second trainer fails at once, naming the holder. A lease is taken over, with a warning,
 * when it has not been renewed for {@link #EXPIRY} (its holder hung, or died on another
 * machine) or at once when its holder ran on this host and that process is gone (killed: the
 * usual case, which should not cost ten minutes). Every change goes through {@link LeaseFile}'s
 * conditional operations, so two trainers racing for a stale lease cannot both win, and a
 * renewal cannot undo a takeover. A holder that finds its lease taken, or cannot renew it for
 * as long as it lasts, stops before it writes another checkpoint ({@link #checkHeld}).
 */
final class TrainerLease implements AutoCloseable {
  static final String FILE = "trainer.lease";
  /** A lease not renewed for this long is taken over. */
  static final Duration EXPIRY = Duration.ofMinutes(10);
  static final Duration RENEW_EVERY = Duration.ofMinutes(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LeaseFile file;
  private final Holder holder;
  private final Clock clock;
  private final Duration expiry;
  private final Consumer<String> log;
  private final ScheduledExecutorService renewer;
  private LeaseFile.State held; // the renewer's, and close()'s once the renewer has stopped
  private Instant lastRenewed; // the renewer's
  private volatile String lost; // why the lease was lost, or null

  private TrainerLease(LeaseFile file, Holder holder, LeaseFile.State held, Clock clock,
      Duration expiry, Duration renewEvery, Consumer<String> log) {
    this.file = file;
    this.holder = holder;
    this.held = held;
    this.clock = clock;
    this.expiry = expiry;
    this.lastRenewed = clock.instant();
    this.log = log;
    this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "yt8m-lease-renewer");
      thread.setDaemon(true);
      return thread;
    });
    long millis = renewEvery.toMillis();
    renewer.scheduleWithFixedDelay(this::renew, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Takes the lease of {@code dir}, or fails naming its holder. */
  static TrainerLease acquire(TrainDir dir, Consumer<String> log) throws IOException {
    return acquire(dir.leaseFile(FILE), Holder.current(Clock.systemUTC()), Clock.systemUTC(),
        EXPIRY, RENEW_EVERY, log);
  }

  static TrainerLease acquire(LeaseFile file, Holder me, Clock clock, Duration expiry,
      Duration renewEvery, Consumer<String> log) throws IOException {
    String content = me.toJson();
    for (int attempt = 0; attempt < 3; attempt++) {
      if (file.create(content)) {
        return held(file, me, clock, expiry, renewEvery, log);
      }
      Optional<LeaseFile.State> seen = file.read();
      if (seen.isEmpty()) {
        continue; // released meanwhile
      }
      Optional<Holder> other = Holder.parse(seen.get().content());
      Duration age = Duration.between(seen.get().renewedAt(), clock.instant());
      String whom = other.map(Holder::toString).orElse("an unreadable lease ("
          + seen.get().content().strip() + ")");
      Optional<String> stale = age.compareTo(expiry) >= 0
          ? Optional.of("not renewed for " + minutes(age) + " (it expires after "
              + minutes(expiry) + ")")
          : other.flatMap(h -> h.goneFrom(me.host()));
      if (stale.isEmpty()) {
        throw new IOException(file.location() + " is held by " + whom + ", renewed "
            + minutes(age) + " ago: another trainer is using this trainDir. Wait for it to end, "
            + "or use another --trainDir (a lease not renewed for " + minutes(expiry)
            + " is taken over)");
      }
      if (file.replace(seen.get(), content)) {
        log.accept("WARNING: taking over " + file.location() + " from " + whom + ": "
            + stale.get());
        return held(file, me, clock, expiry, renewEvery, log);
      }
    }
    throw new IOException(file.location() + " keeps changing: other trainers are starting in "
        + "this trainDir");
  }

  private static TrainerLease held(LeaseFile file, Holder me, Clock clock, Duration expiry,
      Duration renewEvery, Consumer<String> log) throws IOException {
    LeaseFile.State state = file.read().filter(s -> s.content().equals(me.toJson()))
        .orElseThrow(() -> new IOException(file.location() + " was taken by another trainer "
            + "as soon as this one created it"));
    return new TrainerLease(file, me, state, clock, expiry, renewEvery, log);
  }

  /**
   * Throws when the lease was lost (taken over, deleted, or not renewed for as long as it
   * lasts): the trainer must stop without writing, another may own the directory now.
   */
  void checkHeld() throws IOException {
    if (lost != null) {
      throw new IOException("stopping: " + lost + "; this trainer no longer owns the trainDir"
          + " and writes nothing more to it");
    }
  }

  /**
   * {@link #checkHeld}, and the lease file read again: before a checkpoint or an export, where
   * the renewer's last look (up to {@code renewEvery} old) is not enough, since a process paused
   * past the expiry may have been taken over since.
   */
  void confirmHeld() throws IOException {
    checkHeld();
    String mine = holder.toJson();
    if (file.read().filter(state -> state.content().equals(mine)).isEmpty()) {
      lost = file.location() + " is no longer this trainer's (taken over or deleted)";
      checkHeld();
    }
  }

  /** Stops renewing and deletes the lease, if it is still this trainer's. */
  @Override
  public void close() throws IOException {
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lost == null) {
      file.delete(held);
    }
  }

  /** One renewal, on the renewer thread. */
  void renew() {
    if (lost != null) {
      return;
    }
    try {
      Optional<LeaseFile.State> renewed = file.renew(held);
      if (renewed.isEmpty()) {
        lost = file.location() + " was taken over by "
            + file.read().map(s -> Holder.parse(s.content()).map(Holder::toString)
                .orElse(s.content().strip())).orElse("nobody (it was deleted)");
        log.accept("WARNING: " + lost);
        return;
      }
      held = renewed.get();
      lastRenewed = clock.instant();
    } catch (IOException | RuntimeException e) {
      Duration since = Duration.between(lastRenewed, clock.instant());
      log.accept("WARNING: cannot renew " + file.location() + " (last renewed " + minutes(since)
          + " ago): " + e);
      if (since.compareTo(expiry) >= 0) {
        lost = "could not renew " + file.location() + " for " + minutes(since)
            + ", after which another trainer may take it over";
      }
    }
  }

  private static String minutes(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    return seconds < 120 ? seconds + " s" : seconds / 60 + " min";
  }

  /**
   * Who holds a lease.
   *
   * @param host the host name
   * @param pid the process id
   * @param processStarted when the process started (a reused id has another start)
   * @param startedAt when the lease was taken
   * @param token unique to this lease, so that two holders never write the same content
   */
  record Holder(String host, long pid, String processStarted, String startedAt, String token) {

    static Holder current(Clock clock) {
      ProcessHandle self = ProcessHandle.current();
      return new Holder(hostName(), self.pid(), processStart(self), clock.instant().toString(),
          UUID.randomUUID().toString());
    }

    static Optional<Holder> parse(String json) {
      try {
        JsonNode node = JSON.readTree(json);
        if (node == null || !node.hasNonNull("host") || !node.hasNonNull("pid")) {
          return Optional.empty();
        }
        return Optional.of(new Holder(node.get("host").asText(), node.get("pid").asLong(),
            node.path("process_started").asText(""), node.path("started_at").asText(""),
            node.path("token").asText("")));
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    String toJson() {
      ObjectNode node = JSON.createObjectNode();
      node.put("host", host);
      node.put("pid", pid);
      node.put("process_started", processStarted);
      node.put("started_at", startedAt);
      node.put("token", token);
      return node.toString() + "\n";
    }

    /**
     * Why this holder is known to be gone, seen from {@code localHost}: it ran here and no
     * process with its id and start time runs now. Empty when it may be alive.
     */
    Optional<String> goneFrom(String localHost) {
      if (!host.equals(localHost)) {
        return Optional.empty();
      }
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      boolean running = process.isPresent() && process.get().isAlive()
          && (processStarted.isEmpty() || processStart(process.get()).isEmpty()
              || processStart(process.get()).equals(processStarted));
      return running ? Optional.empty()
          : Optional.of("process " + pid + " is no longer running on " + host);
    }

    @Override
    public String toString() {
      return "process " + pid + " on " + host + " (training since " + startedAt + ")";
    }

    private static String processStart(ProcessHandle process) {
      return process.info().startInstant()
          .map(start -> start.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("");
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
      }
    }
  }
}
