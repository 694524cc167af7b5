// The process-wide I/O thread. Logs queue work and wake it; each round it takes every ready
// log's batches, writes them all (one io_uring submission), syncs each `always` log's files once
// (group commit: every append that arrived during the previous round shares one fdatasync), then
// acknowledges. Between rounds it starts interval syncs (run on a syncer thread of their own, so that
// no append waits for one), zero-fills ahead of durable tails and closes idle descriptors and mappings.
#pragma once
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io_backend.h"

namespace mr {

class Log;

// Where the I/O threads' time goes, cumulative since start (read by bench/storage.mjs through the
// addon's ioStats()): the I/O thread's nanoseconds writing, syncing for group commit and waiting
// for a zero-fill chunk; the zero-fill thread's nanoseconds and bytes; and bytes that durable logs
// wrote past the zeroed range (the filler fell behind: those writes pay for block allocation); the
// syncer thread's `interval` syncs and their nanoseconds.
struct IoCounters {
  std::atomic<uint64_t> rounds{0}, writeNs{0}, syncNs{0}, fillWaitNs{0}, fillNs{0}, fillBytes{0}, unfilledBytes{0};
  std::atomic<uint64_t> intervalSyncs{0}, intervalSyncNs{0};
  // Rounds run on the appending thread (Log::Append's inline writes), included in `rounds`.
  std::atomic<uint64_t> inlineRounds{0};
  // Writes issued: a log's appends that follow one another in a round share one (Round).
  std::atomic<uint64_t> writes{0}, appendsWritten{0};
};

class IoService {
 public:
  static IoService& Get();
  // The backend for a mode (IO_AUTO, IO_URING, IO_PWRITE); nullptr with *why when refused.
  IoBackend* Backend(uint64_t mode, std::string* why);
  void Wake(const std::shared_ptr<Log>& log);
  // A round of one log on the calling thread (Log::Append's inline writes; the log is claimed).
  void RunNow(const std::shared_ptr<Log>& log);
  // Seconds a log may sit unwritten before its descriptors and unused mappings are released.
  void SetIdleMs(int64_t ms) { idleMs_ = ms; }
  IoCounters counters;

 private:
  IoService();
  void Loop();
  // `notify`: wake the logs' owners for their completions. An inline round's caller (Log::Append
  // on the JS thread) settles them itself, so RunNow passes false.
  void Round(std::vector<std::shared_ptr<Log>>& logs, bool notify = true);
  // Runs due syncs and the idle sweep; returns when it must run next (ms, NowMs's clock).
  int64_t Timers();
  // A log was dirtied and its `interval` sync falls due at dueMs: wakes the thread earlier if need be.
  void NoteDue(int64_t dueMs);
  static constexpr int64_t kRetryMs = 10;
  // The syncer thread: fdatasync of a duplicate of an `interval` log's active descriptor.
  void SyncLoop();
  void QueueSync(int fd, const std::shared_ptr<Log>& log);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Log>> ready_;
  std::vector<std::weak_ptr<Log>> all_;
  std::unique_ptr<IoBackend> uring_;
  std::unique_ptr<IoBackend> pwrite_;
  std::string uringWhy_;
  bool uringTried_ = false;
  int64_t idleMs_ = 30000;
  int64_t nextSweepMs_ = 0;
  // Under mu_: when the thread next runs Timers, and the earliest due noted since it last began to.
  int64_t wakeAtMs_ = 0;
  int64_t dueMin_ = INT64_MAX;
  std::thread thread_;
  std::mutex syncMu_;
  std::condition_variable syncCv_;
  std::vector<std::pair<int, std::shared_ptr<Log>>> syncQueue_;
};

}  // namespace mr
