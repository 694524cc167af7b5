#include "zero_fill.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "io_service.h"

namespace mr {
namespace {

constexpr uint64_t kChunk = 1ull << 20;   // claimed and written at a time: the writer waits at most one
// Each sync of the zeros is a journal commit and a cache flush that competes with group commit:
// one per 16 MiB measured faster than one per 4 MiB in every A/B pair (bench/RESULTS.md).
constexpr uint64_t kSyncEvery = 16ull << 20;

uint64_t NowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

// Background work: lowest CPU and best-effort I/O priority, so that it yields to the I/O thread
// and to the JS thread on a busy machine.
void LowerPriority() {
#ifdef __linux__
  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  // Nice 10, not 19: on a saturated machine 19 starves it and the writer outruns it.
  setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 10);
#ifdef SYS_ioprio_set
  constexpr int kWhoProcess = 1, kClassBestEffort = 2, kClassShift = 13;
  syscall(SYS_ioprio_set, kWhoProcess, tid, (kClassBestEffort << kClassShift) | 7);
#endif
#endif
}

}  // namespace

void FillState::Reserve(uint64_t pos, uint64_t end) {
  IoCounters& counters = IoService::Get().counters;
  std::unique_lock<std::mutex> lock(mu);
  if (fillStart < end && pos < fillEnd) {
    const uint64_t t0 = NowNs();
    cv.wait(lock, [&] { return !(fillStart < end && pos < fillEnd); });
    counters.fillWaitNs += NowNs() - t0;
  }
  if (end > zeroed) counters.unfilledBytes += end - std::max(pos, zeroed);
  reserved = std::max(reserved, end);
}

void FillState::MaybeRequest(const std::shared_ptr<FillState>& self) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (cancelled || queued || zeroed >= capacity || zeroed >= reserved + refill) return;
    queued = true;
  }
  ZeroFiller::Get().Request(self);
}

void FillState::Cancel() {
  std::unique_lock<std::mutex> lock(mu);
  cancelled = true;
  // Also past an open in progress: with O_CREAT it would make the file appear after Cancel returned
  // (after the log closed, say, and its directory was being removed).
  cv.wait(lock, [&] { return fillStart == fillEnd && !opening; });
}

ZeroFiller& ZeroFiller::Get() {
  // Never destroyed, like the I/O thread: it must outlive static destructors at exit.
  static ZeroFiller* filler = new ZeroFiller();
  return *filler;
}

ZeroFiller::ZeroFiller() {
  std::thread([this] {
    LowerPriority();
    Loop();
  }).detach();
}

void ZeroFiller::Request(std::shared_ptr<FillState> st) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(st));
  cv_.notify_one();
}

void ZeroFiller::Loop() {
  for (;;) {
    std::shared_ptr<FillState> st;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty(); });
      st = std::move(queue_.front());
      queue_.pop_front();
    }
    Fill(*st);
  }
}

void ZeroFiller::Fill(FillState& st) {
  static const std::vector<uint8_t> zeros(kChunk, 0);
  IoCounters& counters = IoService::Get().counters;
  {
    // Cancelled while queued: the file may be renamed or gone, and must not be created again.
    std::lock_guard<std::mutex> lock(st.mu);
    if (st.cancelled) {
      st.queued = false;
      return;
    }
    st.opening = true;
  }
  // A descriptor of its own: the I/O thread closes its descriptors when a log goes idle.
  const int fd = open(st.path.c_str(), O_WRONLY | O_CLOEXEC | (st.create ? O_CREAT : 0), 0644);
  {
    std::lock_guard<std::mutex> lock(st.mu);
    st.opening = false;
    if (fd < 0) st.cancelled = true;
  }
  st.cv.notify_all();
  uint64_t unsynced = 0;
  for (bool ok = fd >= 0; ok;) {
    uint64_t start, end;
    {
      std::lock_guard<std::mutex> lock(st.mu);
      start = std::max(st.zeroed, st.reserved);
      const uint64_t target = std::min(st.capacity, st.reserved + st.ahead);
      if (st.cancelled || start >= target) break;
      end = std::min(start + kChunk, target);
      st.fillStart = start;
      st.fillEnd = end;
    }
    const uint64_t t0 = NowNs();
    const size_t n = static_cast<size_t>(end - start);
    ok = pwrite(fd, zeros.data(), n, static_cast<off_t>(start)) == static_cast<ssize_t>(n);
    {
      std::lock_guard<std::mutex> lock(st.mu);
      if (ok) st.zeroed = std::max(st.zeroed, end);
      else st.cancelled = true;  // e.g. ENOSPC: stop; the writer then allocates as it writes
      st.fillStart = st.fillEnd = 0;
    }
    st.cv.notify_all();
    // Synced in steps, outside the claimed range, so that the blocks right past the tail become
    // durable early without ever making the writer wait for a sync.
    unsynced += n;
    if (ok && unsynced >= kSyncEvery) {
      fdatasync(fd);
      unsynced = 0;
    }
    counters.fillNs += NowNs() - t0;
    if (ok) counters.fillBytes += n;
  }
  if (fd >= 0) {
    if (unsynced) fdatasync(fd);
    close(fd);
  }
  std::lock_guard<std::mutex> lock(st.mu);
  st.queued = false;
}

}  // namespace mr
