package org.yt8m.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trainer per trainDir, through the local {@link LeaseFile}. */
class TrainerLeaseTest {
  private static final Duration NEVER = Duration.ofDays(1);

  @TempDir
  Path root;
  final List<String> log = new ArrayList<>();

  LeaseFile file() throws IOException {
    return TrainDir.local(root).leaseFile(TrainerLease.FILE);
  }

  TrainerLease acquire(TrainerLease.Holder holder) throws IOException {
    return TrainerLease.acquire(file(), holder, Clock.systemUTC(), TrainerLease.EXPIRY, NEVER,
        log::add);
  }

  static TrainerLease.Holder elsewhere(long pid) {
    return new TrainerLease.Holder("other-host", pid, "", "2024-01-01T00:00:00Z", "t" + pid);
  }

  @Test
  void aSecondTrainerFailsAtOnceNamingTheHolder() throws Exception {
    TrainerLease.Holder first = TrainerLease.Holder.current(Clock.systemUTC());
    try (TrainerLease held = acquire(first)) {
      IOException e = assertThrows(IOException.class,
          () -> acquire(TrainerLease.Holder.current(Clock.systemUTC())));
      assertTrue(e.getMessage().startsWith(root.resolve("trainer.lease") + " is held by process "
          + first.pid() + " on " + first.host() + " (training since " + first.startedAt()
          + "), renewed 0 s ago: another trainer is using this trainDir."), e.getMessage());
      held.checkHeld();
    }
    assertFalse(Files.exists(root.resolve("trainer.lease")), "released at the end");
  }

  @Test
  void aLeaseNotRenewedForTenMinutesIsTakenOverWithAWarning() throws Exception {
    assertTrue(file().create(elsewhere(41).toJson()));
    Files.setLastModifiedTime(root.resolve("trainer.lease"),
        FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
    TrainerLease.Holder me = TrainerLease.Holder.current(Clock.systemUTC());
    try (TrainerLease held = acquire(me)) {
      held.checkHeld();
      assertEquals(me.toJson(), Files.readString(root.resolve("trainer.lease")));
    }
    assertEquals(List.of("WARNING: taking over " + root.resolve("trainer.lease") + " from "
        + "process 41 on other-host (training since 2024-01-01T00:00:00Z): not renewed for 11 "
        + "min (it expires after 10 min)"), log);
  }

  @Test
  void aLeaseOnAnotherHostIsHeldUntilItExpires() throws Exception {
    assertTrue(file().create(elsewhere(41).toJson()));
    Files.setLastModifiedTime(root.resolve("trainer.lease"),
        FileTime.from(Instant.now().minus(Duration.ofMinutes(9))));
    IOException e = assertThrows(IOException.class,
        () -> acquire(TrainerLease.Holder.current(Clock.systemUTC())));
    assertTrue(e.getMessage().contains("is held by process 41 on other-host"), e.getMessage());
  }

  @Test
  void theLeaseOfAKilledProcessOnThisHostIsTakenOverAtOnce() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    TrainerLease.Holder me = TrainerLease.Holder.current(Clock.systemUTC());
    TrainerLease.Holder killed = new TrainerLease.Holder(me.host(), gone.pid(), "",
        "2024-01-01T00:00:00Z", "killed");
    assertTrue(file().create(killed.toJson()));
    try (TrainerLease held = acquire(me)) {
      held.checkHeld();
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).endsWith(": process " + gone.pid() + " is no longer running on "
        + me.host()), log.get(0));
  }

  @Test
  void aRenewalNeverUndoesATakeoverAndTheHolderStops() throws Exception {
    TrainerLease.Holder me = TrainerLease.Holder.current(Clock.systemUTC());
    TrainerLease held = acquire(me);
    Path lease = root.resolve("trainer.lease");
    Files.setLastModifiedTime(lease, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
    held.renew();
    assertTrue(Files.getLastModifiedTime(lease).toInstant()
        .isAfter(Instant.now().minus(Duration.ofMinutes(1))), "renewed");

    // Another trainer judges it stale (the holder hung) and takes it over.
    LeaseFile.State stale = file().read().orElseThrow();
    assertTrue(file().replace(stale, elsewhere(7).toJson()));
    held.renew();

    assertEquals(elsewhere(7).toJson(), Files.readString(lease), "the takeover stands");
    IOException e = assertThrows(IOException.class, held::checkHeld);
    assertEquals("stopping: " + lease + " was taken over by process 7 on other-host (training "
        + "since 2024-01-01T00:00:00Z); this trainer no longer owns the trainDir and writes "
        + "nothing more to it", e.getMessage());
    held.close();
    assertEquals(elsewhere(7).toJson(), Files.readString(lease), "not released by the loser");
  }

  /** Before a save the lease is read again: a takeover since the last renewal stops it. */
  @Test
  void aSaveSeesATakeoverTheRenewerHasNotSeenYet() throws Exception {
    TrainerLease held = acquire(TrainerLease.Holder.current(Clock.systemUTC()));
    held.confirmHeld();
    LeaseFile.State mine = file().read().orElseThrow();
    assertTrue(file().replace(mine, elsewhere(8).toJson()));

    held.checkHeld(); // the renewer has not looked yet
    IOException e = assertThrows(IOException.class, held::confirmHeld);
    assertTrue(e.getMessage().startsWith("stopping: " + root.resolve("trainer.lease")
        + " is no longer this trainer's"), e.getMessage());
    held.close();
  }

  /** A lease is published whole: nothing but the lease itself is left, and never empty. */
  @Test
  void aLeaseIsCreatedWholeUnderItsName() throws Exception {
    assertTrue(file().create(elsewhere(5).toJson()));
    assertFalse(file().create(elsewhere(6).toJson()));
    try (var files = Files.list(root)) {
      assertEquals(List.of("trainer.lease"), files.map(f -> f.getFileName().toString())
          .toList());
    }
    assertEquals(elsewhere(5).toJson(), Files.readString(root.resolve("trainer.lease")));
  }

  @Test
  void aTakeoverLosesToARenewalMeanwhile() throws Exception {
    assertTrue(file().create(elsewhere(41).toJson()));
    LeaseFile.State seen = file().read().orElseThrow();
    Files.setLastModifiedTime(root.resolve("trainer.lease"),
        FileTime.from(seen.renewedAt().plusSeconds(30)));
    assertFalse(file().replace(seen, elsewhere(8).toJson()));
    assertEquals(elsewhere(41).toJson(), Files.readString(root.resolve("trainer.lease")));
    assertEquals(List.of("trainer.lease"), TrainDir.local(root).list(""));
  }
}
