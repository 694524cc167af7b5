// Zero-filling ahead of the tail of durable logs, on a thread of its own. Syncing writes into
// never-written blocks costs ~5x on these VMs (block allocation goes through the journal), so the
// blocks a durable log is about to write are written once with zeros and synced first. Done on the
// I/O thread between rounds, that took 36-48% of its time at 200-400 MB/s of `always` appends and
// stalled group commit (bench/RESULTS.md); here the I/O thread only says how far it has written.
//
// One FillState per active segment of a durable log, and one for the file a durable log prepares
// for its next segment (filled whole, taken over at the roll). The filler never writes below `reserved`
// (the writer's tail), and the writer never writes into the chunk being filled: both take the
// state's mutex to claim a range, so zeros can never land on data. The I/O thread waits only when
// it catches up with a chunk in progress (counted in IoCounters::fillWaitNs).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mr {

// Run-ahead of an active segment: keep kFillAhead zeroed past the tail, refill below half of it.
inline constexpr uint64_t kFillAhead = 32ull << 20;

struct FillState {
  FillState(std::string p, uint64_t cap, uint64_t allocated, uint64_t tail, uint64_t runAhead = kFillAhead,
            uint64_t refillBelow = kFillAhead / 2, bool createFile = false)
      : path(std::move(p)), capacity(cap), ahead(runAhead), refill(refillBelow), create(createFile), zeroed(allocated), reserved(tail) {}
  const std::string path;
  const uint64_t capacity;
  const uint64_t ahead;   // fill up to reserved + ahead
  const uint64_t refill;  // ask again once less than this is zeroed past reserved
  const bool create;      // the file may not exist yet (a prepared spare)

  std::mutex mu;
  std::condition_variable cv;
  uint64_t zeroed;            // [0, zeroed) holds data or zeros: its blocks are allocated
  uint64_t reserved;          // the writer's tail: bytes below may hold data
  uint64_t fillStart = 0;     // [fillStart, fillEnd): being zero-filled right now
  uint64_t fillEnd = 0;
  bool cancelled = false;
  bool opening = false;       // the filler is opening (maybe creating) the file: Cancel waits for it
  bool queued = false;

  // I/O thread, before writing [pos, end): waits out an overlapping fill, then claims the range.
  void Reserve(uint64_t pos, uint64_t end);
  // Whether [0, end) is zeroed or written: a write there will not wait in Reserve.
  bool IsZeroed(uint64_t end) {
    std::lock_guard<std::mutex> lock(mu);
    return end <= zeroed;
  }
  // I/O thread, after a round: queues a fill when fewer than half the run-ahead bytes are zeroed.
  void MaybeRequest(const std::shared_ptr<FillState>& self);
  // Stops filling and waits for a chunk in progress: call before the file is renamed, recycled
  // or handed to another log.
  void Cancel();
};

class ZeroFiller {
 public:
  static ZeroFiller& Get();
  void Request(std::shared_ptr<FillState> st);

 private:
  ZeroFiller();
  void Loop();
  void Fill(FillState& st);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<FillState>> queue_;
};

}  // namespace mr
