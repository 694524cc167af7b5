// A log: a directory of segments with dense offsets. The JS thread enqueues appends (offsets are
// assigned at once) and reads through the mapping; the process-wide I/O thread (io_service.h)
// writes, syncs, rolls segments and applies retention. The mutex guards what both sides touch.
#pragma once
#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aead.h"
#include "segment.h"

namespace mr {

struct LogOptions {
  uint64_t segmentBytes = DEFAULT_SEGMENT_BYTES;
  uint64_t durability = DURABILITY_NEVER;
  uint64_t syncIntervalMs = 1000;
  uint64_t indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES;
  uint64_t io = IO_AUTO;
  std::string aad;  // the log's identity, bound into every sealed batch (batch_seal.h)
};

struct AppendOp {
  uint64_t id = 0;  // the binding's handle for the promise
  uint64_t firstOffset = 0;
  uint32_t count = 0;
  uint16_t flags = 0;
  uint32_t rawSize = 0;
  uint32_t keyRef = 0;
  int64_t baseTs = 0;
  int64_t maxTs = 0;
  const uint8_t* payload = nullptr;
  uint32_t payloadSize = 0;           // as handed in (plaintext for encrypted batches)
  DataKey key;                        // FLAG_ENCRYPTED: the data key, wiped as soon as sealed
  // Filled by the I/O thread.
  std::unique_ptr<uint8_t[]> sealed;  // FLAG_ENCRYPTED: nonce | ciphertext | tag, what is written
  uint8_t header[BATCH_HEADER_SIZE + BATCH_ALIGN] = {};
  iovec iov[3] = {};
  int iovcnt = 0;
  Segment* seg = nullptr;
  uint64_t pos = 0;
};

enum class ControlKind { Trim, Close, Flush };

struct ControlOp {
  uint64_t id = 0;
  ControlKind kind = ControlKind::Flush;
  int64_t olderThan = kNoTs;   // Trim: remove data whose arrival time is older
  uint64_t maxBytes = 0;       // Trim: keep at most this many bytes (0 = no cap)
  uint64_t beforeOffset = 0;   // Trim: remove data below this offset (0 = none)
};

// What the JS thread learns when the I/O thread finishes ops, in submission order.
struct Completion {
  uint64_t id = 0;
  Failure failure;
  uint64_t value = 0;  // appends: first offset; trim: segments removed
};

struct ReadView {
  std::shared_ptr<Mapping> map;
  uint64_t startPos = 0;
  uint64_t endPos = 0;
  std::string file;
};

// Checks `count` packed records filling `size` bytes, with timestamp deltas of at most `span` ms.
Failure ValidateRecords(const uint8_t* p, uint32_t size, uint32_t count, uint64_t span);

struct LogStats {
  uint64_t startOffset, endOffset, segments, bytes;
  int64_t firstTs, lastTs;
};

class Log : public std::enable_shared_from_this<Log> {
 public:
  // Recovery happens here: call it off the JS thread.
  static Failure Open(const std::string& dir, const LogOptions& opts, std::shared_ptr<Log>* out);
  ~Log();

  const std::string dir;
  const LogOptions opts;

  // JS thread. Validates the packed records (their structure guards every later reader); payloads
  // with a codec are opaque here (the caller validated them before compressing).
  Failure ValidatePayload(const uint8_t* p, uint32_t size, uint32_t count, uint16_t flags, int64_t baseTs, int64_t maxTs) const;
  // JS thread. Assigns offsets and queues the batch; the payload must stay alive until completion.
  // `*wroteInline` tells whether the append ran its round on this thread (its completion is
  // then already waiting in TakeCompletions).
  Failure Append(AppendOp&& op, uint64_t* firstOffset, bool* wroteInline);
  // Opens the encrypted batch whose header is at `batch` (with `avail` bytes readable from there)
  // into `out`, which must hold its payload size minus kAeadOverhead bytes.
  Failure OpenSealed(const uint8_t* batch, uint64_t avail, const uint8_t* key, uint8_t* out) const;
  Failure Control(const ControlOp& op);
  void Attach(class IoBackend* b);
  // JS thread. A zero-copy view of whole batches holding `offset`, within the limits.
  Failure Read(uint64_t offset, uint64_t maxRecords, uint64_t maxBytes, ReadView* out);
  // First offset whose batch has an arrival time >= ts (endOffset when none).
  Failure FindByTimestamp(int64_t ts, uint64_t* offset);
  LogStats Stats();
  uint64_t StartOffset();
  uint64_t EndOffset();
  // The offset the next append will get (queued batches included).
  uint64_t NextOffset();
  bool Closed() const { return closing_; }
  std::vector<Completion> TakeCompletions();
  // Called by the I/O thread after it queued completions (the binding wakes the JS thread).
  std::function<void()> notify;
  const char* IoName() const;

  // Whoever works on the log's files (a round, the timers, an inline append) holds the claim:
  // TakeWork takes it with the work, TryClaim for the timers; Release gives it back.
  bool TryClaim();
  void Release();

  // I/O thread (io_service.cc drives these in rounds), or the JS thread for an inline append.
  void TakeWork(std::vector<AppendOp>* appends, std::vector<ControlOp>* controls);
  Failure Prepare(AppendOp& op);
  // Completes ops [0, n) of a round: success makes them visible, a failure poisons the log.
  void Commit(std::vector<AppendOp>& ops, size_t n, const Failure& f);
  void FailAll(std::vector<AppendOp>& ops, size_t from, const Failure& f);
  void RunControl(const ControlOp& op);
  // Descriptors written this round that `always` must sync before acknowledging.
  void RoundSyncFds(const std::vector<AppendOp>& ops, size_t n, std::vector<int>* fds) const;
  int ActiveFd();
  // After a round: asks the zero-fill thread to stay ahead of the active segment's tail.
  void RequestFill();
  void SweepIdle(int64_t nowMs, int64_t idleMs);
  void Notify();
  class IoBackend* backend = nullptr;
  int64_t nextSyncMs = 0;
  int64_t lastWriteMs = 0;
  bool dirty = false;   // written since the last sync
  std::atomic<bool> syncing{false};  // an `interval` sync of this log is queued or running on the syncer thread
  bool queued = false;      // in the I/O thread's ready list (guarded by the service mutex)
  bool registered = false;  // in the service's list of all logs (guarded by the service mutex)
  bool finished = false;  // closed: the service forgets it

 private:
  Log(const std::string& dir, const LogOptions& opts);
  // `never` and `interval` logs on the pwrite backend write small appends on the calling thread
  // (see Append).
  bool inlineWrites_ = false;
  static uint64_t StoredSize(const AppendOp& op);
  bool FitsInline(const AppendOp& op) const;
  bool claimed_ = false;  // guarded by mu_
  Failure Roll(uint64_t base, uint64_t minCapacity);
  Failure LoadSealed(size_t i);
  size_t FindSegment(uint64_t offset) const;
  Failure FindLocked(int64_t ts, uint64_t* offset);
  uint64_t Trim(const ControlOp& op);
  void CloseSealedFds();
  void PushCompletion(Completion c);

  std::mutex mu_;
  std::deque<std::unique_ptr<Segment>> segments_;
  uint64_t nextOffset_ = 0;   // next offset to assign
  uint64_t startOffset_ = 0;  // first readable offset
  uint64_t visibleEnd_ = 0;   // offsets below are acknowledged and readable
  bool closing_ = false;
  Failure poisoned_;          // a failed write: the log refuses appends until reopened
  std::vector<AppendOp> pending_;
  std::vector<ControlOp> controls_;
  std::vector<Completion> done_;
  std::string spare_;  // a recycled segment file ready to take over
  std::shared_ptr<FillState> spareFill_;  // durable logs: the next segment's file, being zero-filled
};

}  // namespace mr
