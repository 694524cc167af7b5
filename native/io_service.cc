#include "io_service.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <deque>
#include <chrono>

#include "log.h"

namespace mr {
namespace {
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint64_t NowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
}  // namespace

IoService& IoService::Get() {
  // Never destroyed: the thread must outlive static destructors run at process exit.
  static IoService* service = new IoService();
  return *service;
}

IoService::IoService() {
  thread_ = std::thread([this] { Loop(); });
  thread_.detach();
  std::thread([this] { SyncLoop(); }).detach();
}

void IoService::QueueSync(int fd, const std::shared_ptr<Log>& log) {
  {
    std::lock_guard<std::mutex> lock(syncMu_);
    syncQueue_.emplace_back(fd, log);
  }
  syncCv_.notify_one();
}

void IoService::SyncLoop() {
  std::vector<std::pair<int, std::shared_ptr<Log>>> work;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(syncMu_);
      syncCv_.wait(lock, [&] { return !syncQueue_.empty(); });
      work.swap(syncQueue_);
    }
    for (auto& [fd, log] : work) {
      // `interval` promises data on disk within about its interval, not an acknowledgement after
      // the sync, so a failure here has no one to report to (as when the I/O thread synced inline).
      const uint64_t t0 = NowNs();
      fdatasync(fd);
      counters.intervalSyncNs += NowNs() - t0;
      counters.intervalSyncs++;
      close(fd);
      log->syncing = false;
    }
    work.clear();
  }
}

IoBackend* IoService::Backend(uint64_t mode, std::string* why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode != IO_PWRITE) {
    if (!uringTried_) {
      uringTried_ = true;
      uring_ = IoBackend::Create(IO_URING, &uringWhy_);
    }
    if (uring_) return uring_.get();
    if (mode == IO_URING) {
      *why = uringWhy_;
      return nullptr;
    }
  }
  if (!pwrite_) pwrite_ = IoBackend::Create(IO_PWRITE, why);
  return pwrite_.get();
}

void IoService::Wake(const std::shared_ptr<Log>& log) {
  std::lock_guard<std::mutex> lock(mu_);
  if (log->queued) return;
  log->queued = true;
  ready_.push_back(log);
  // Once per log, not a scan of every log per append: servers hold thousands of shards.
  if (!log->registered) {
    log->registered = true;
    all_.push_back(log);
  }
  cv_.notify_one();
}

void IoService::RunNow(const std::shared_ptr<Log>& log) {
  counters.inlineRounds++;
  std::vector<std::shared_ptr<Log>> logs{log};
  Round(logs, false);
}

// The thread sleeps until there is work or a timer falls due (Timers says when), not on a fixed
// tick: an idle server's threads wake once a second, not a hundred times. Each wake-up of a
// halted vCPU costs a VM exit, and a 10 ms tick in a process raised the 99th percentile of a
// plain loopback ping-pong on the 2-vCPU host from 0.5 to 2.1 ms (bench/RESULTS.md).
void IoService::Loop() {
  std::vector<std::shared_ptr<Log>> logs;
  for (;;) {
    bool timers = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // wakeAtMs_ may be brought forward while waiting (NoteDue), so the deadline is read anew.
      while (ready_.empty() && NowMs() < wakeAtMs_) {
        cv_.wait_until(lock, std::chrono::steady_clock::time_point(std::chrono::milliseconds(wakeAtMs_)));
      }
      logs.swap(ready_);
      for (auto& l : logs) l->queued = false;
      timers = NowMs() >= wakeAtMs_;
      // Dues noted from now on are newer than what Timers is about to see.
      if (timers) dueMin_ = INT64_MAX;
    }
    if (!logs.empty()) Round(logs);
    logs.clear();
    if (timers) {
      const int64_t next = Timers();
      std::lock_guard<std::mutex> lock(mu_);
      wakeAtMs_ = std::min(next, dueMin_);
    }
  }
}

namespace {
// Adds the write of `iov` at `pos` to `reqs` as writes of kMaxWriteBytes at most, each linked to
// the next (IoReq::beforeNext), so that a crash leaves a prefix of it as one write would. Their
// iovecs live in `pieces`, whose elements do not move.
void PushSplit(std::vector<IoReq>& reqs, std::deque<std::vector<iovec>>& pieces, int fd, uint64_t pos, const iovec* iov, int iovcnt) {
  std::vector<iovec>* piece = nullptr;
  size_t bytes = 0;
  bool first = true;
  auto finish = [&] {
    if (!first) reqs.back().beforeNext = true;
    first = false;
    reqs.push_back({fd, pos, piece->data(), static_cast<int>(piece->size()), bytes, 0});
    pos += bytes;
    piece = nullptr;
  };
  for (int k = 0; k < iovcnt; k++) {
    auto* base = static_cast<char*>(iov[k].iov_base);
    size_t len = iov[k].iov_len;
    while (len > 0) {
      if (!piece) {
        piece = &pieces.emplace_back();
        bytes = 0;
      }
      const size_t take = std::min(len, kMaxWriteBytes - bytes);
      piece->push_back({base, take});
      base += take;
      len -= take;
      bytes += take;
      if (bytes == kMaxWriteBytes || piece->size() == IOV_MAX) finish();
    }
  }
  if (piece) finish();
}
}  // namespace

void IoService::Round(std::vector<std::shared_ptr<Log>>& logs, bool notify) {
  struct Work {
    Log* log;
    std::vector<AppendOp> ops;
    std::vector<ControlOp> controls;
    size_t prepared = 0;
    Failure prepFailure;  // Prepare refused op `prepared` (e.g. could not roll a segment)
    Failure failure;      // a write or sync failed: nothing of this round is acknowledged
    size_t firstReq = 0;
    size_t reqs = 0;      // writes issued for the prepared ops (consecutive ones are merged)
  };
  std::vector<Work> work(logs.size());
  for (size_t i = 0; i < logs.size(); i++) {
    work[i].log = logs[i].get();
    logs[i]->TakeWork(&work[i].ops, &work[i].controls);
  }
  // Writes, grouped per backend (logs may force pwrite while others use io_uring). A log's appends
  // that follow one another in one file go out as one write: a writev copies its iovecs in order,
  // so a crash leaves a prefix of them. Separate io_uring writes may complete out of order (an
  // inline attempt can succeed for a later one while an earlier one waits for a worker); a torn
  // batch followed by an intact later one is what recovery keeps as a hole in the log. A merged
  // write stops at kMaxWriteBytes (see io_backend.h); the next one is linked to it on io_uring.
  std::vector<IoReq> uringReqs, pwriteReqs;
  std::deque<std::vector<iovec>> merged;  // iovecs of merged writes; a deque keeps each in place
  for (auto& w : work) {
    auto& reqs = w.log->backend == uring_.get() ? uringReqs : pwriteReqs;
    w.firstReq = reqs.size();
    std::vector<iovec>* joined = nullptr;  // the last write's merged iovecs, if it has some
    for (auto& op : w.ops) {
      if (Failure f = w.log->Prepare(op)) { w.prepFailure = f; break; }
      size_t bytes = 0;
      for (int k = 0; k < op.iovcnt; k++) bytes += op.iov[k].iov_len;
      w.prepared++;
      if (reqs.size() > w.firstReq) {
        IoReq& last = reqs.back();
        if (last.fd == op.seg->fd && last.pos + last.bytes == op.pos && last.iovcnt + op.iovcnt <= IOV_MAX && last.bytes + bytes <= kMaxWriteBytes) {
          if (!joined) joined = &merged.emplace_back(last.iov, last.iov + last.iovcnt);
          joined->insert(joined->end(), op.iov, op.iov + op.iovcnt);
          last.iov = joined->data();
          last.iovcnt = static_cast<int>(joined->size());
          last.bytes += bytes;
          continue;
        }
        last.beforeNext = true;
      }
      joined = nullptr;
      if (bytes <= kMaxWriteBytes) reqs.push_back({op.seg->fd, op.pos, op.iov, op.iovcnt, bytes, 0});
      else PushSplit(reqs, merged, op.seg->fd, op.pos, op.iov, op.iovcnt);
    }
    w.reqs = reqs.size() - w.firstReq;
    counters.writes += w.reqs;
    counters.appendsWritten += w.prepared;
  }
  const uint64_t t0 = NowNs();
  if (!uringReqs.empty()) uring_->Writev(uringReqs.data(), uringReqs.size());
  if (!pwriteReqs.empty()) pwrite_->Writev(pwriteReqs.data(), pwriteReqs.size());
  const uint64_t t1 = NowNs();
  counters.rounds++;
  counters.writeNs += t1 - t0;
  // Group commit: one fdatasync per file written this round by an `always` log.
  std::vector<int> fds;
  std::vector<size_t> owner;
  for (size_t i = 0; i < work.size(); i++) {
    auto& w = work[i];
    auto& reqs = w.log->backend == uring_.get() ? uringReqs : pwriteReqs;
    for (size_t k = 0; k < w.reqs; k++) {
      int r = reqs[w.firstReq + k].result;
      if (r < 0 && !w.failure) w.failure = Failure::Io("write", w.log->dir, -r);
    }
    if (w.failure) continue;
    w.log->RoundSyncFds(w.ops, w.prepared, &fds);
    owner.resize(fds.size(), i);
  }
  if (!fds.empty()) {
    std::vector<int> results(fds.size(), 0);
    // All `always` logs share the backend choice of the first; fsyncs are independent per fd.
    IoBackend* b = work[owner[0]].log->backend;
    b->Datasync(fds.data(), results.data(), fds.size());
    counters.syncNs += NowNs() - t1;
    for (size_t k = 0; k < fds.size(); k++) {
      auto& w = work[owner[k]];
      if (results[k] < 0 && !w.failure) w.failure = Failure::Io("fdatasync", w.log->dir, -results[k]);
      else if (results[k] == 0) w.log->dirty = false;
    }
  }
  for (auto& w : work) {
    if (w.failure) {
      w.log->FailAll(w.ops, 0, w.failure);
    } else {
      w.log->Commit(w.ops, w.prepared, {});
      if (w.prepared < w.ops.size()) w.log->FailAll(w.ops, w.prepared, w.prepFailure);
      if (w.log->opts.durability == DURABILITY_ALWAYS && w.prepared) w.log->dirty = false;
    }
    for (auto& c : w.controls) w.log->RunControl(c);
    if (notify) w.log->Notify();
  }
  int64_t due = INT64_MAX;
  for (auto& w : work) {
    // A log this round dirtied is due for its `interval` sync; the I/O thread sleeps until then.
    if (w.log->opts.durability == DURABILITY_INTERVAL && w.log->dirty) due = std::min(due, w.log->nextSyncMs);
    w.log->RequestFill();
    w.log->Release();
  }
  if (due != INT64_MAX) NoteDue(due);
}

void IoService::NoteDue(int64_t dueMs) {
  std::lock_guard<std::mutex> lock(mu_);
  dueMin_ = std::min(dueMin_, dueMs);
  if (dueMs >= wakeAtMs_) return;
  wakeAtMs_ = dueMs;
  cv_.notify_one();
}

int64_t IoService::Timers() {
  const int64_t now = NowMs();
  const bool sweep = now >= nextSweepMs_;
  if (sweep) nextSweepMs_ = now + 1000;
  // The next idle sweep, or sooner where a log's sync falls due or must be tried again.
  int64_t next = nextSweepMs_;
  const int64_t retry = now + kRetryMs;
  std::vector<std::shared_ptr<Log>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::remove_if(all_.begin(), all_.end(), [](const std::weak_ptr<Log>& w) {
      auto l = w.lock();
      return !l || l->finished;
    });
    all_.erase(it, all_.end());
    for (auto& w : all_) if (auto l = w.lock()) live.push_back(l);
  }
  for (auto& l : live) {
    // A log someone else is working on (an inline append on the JS thread) is tried again shortly.
    if (!l->TryClaim()) {
      next = std::min(next, retry);
      continue;
    }
    if (l->opts.durability == DURABILITY_INTERVAL && l->dirty && now >= l->nextSyncMs && !l->syncing) {
      // An fdatasync can take milliseconds (it writes back a second of data), and while this thread
      // waited for one every log's appends waited too. The syncer thread takes a duplicate of the
      // descriptor, which stays valid whatever the log does with its own meanwhile. While the
      // previous sync of this log runs, `dirty` stays set and the next tick tries again.
      int fd = l->ActiveFd();
      int dup = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
      if (dup >= 0) {
        l->syncing = true;
        QueueSync(dup, l);
      } else if (fd >= 0) {
        fdatasync(fd);
      }
      l->dirty = false;
      l->nextSyncMs = now + static_cast<int64_t>(l->opts.syncIntervalMs);
    }
    if (l->opts.durability == DURABILITY_INTERVAL && l->dirty) {
      // Not due yet: wake when it is. Due but its previous sync still runs: try again shortly.
      next = std::min(next, now >= l->nextSyncMs ? retry : l->nextSyncMs);
    }
    if (sweep) l->SweepIdle(now, idleMs_);
    l->Release();
  }
  return next;
}

}  // namespace mr
