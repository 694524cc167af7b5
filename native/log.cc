#include "log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "batch_seal.h"
#include "crc32c.h"
#include "io_backend.h"
#include "io_service.h"

namespace mr {
namespace {

const char* kSpareName = "recycled.spare";
const char* kPreparedName = "prepared.spare";
// Appends up to this size may be written on the appending thread (Log::Append).
constexpr uint32_t kInlineMaxBytes = 16 * 1024;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool ParseSegmentName(const char* name, uint64_t* base) {
  size_t len = std::strlen(name);
  if (len != 24 || std::strcmp(name + 20, ".log") != 0) return false;
  uint64_t v = 0;
  for (int i = 0; i < 20; i++) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *base = v;
  return true;
}

Failure Corrupt(const Segment& s, uint64_t pos, const char* what) {
  return Failure{codes::CORRUPT_BATCH, std::string(what) + " in " + s.path + " at byte " + std::to_string(pos), s.path,
                 static_cast<int64_t>(pos), 0};
}

}  // namespace

Log::Log(const std::string& d, const LogOptions& o) : dir(d), opts(o) {}

Log::~Log() {
  if (spareFill_) spareFill_->Cancel();
}

const char* Log::IoName() const { return backend ? backend->Name() : "none"; }

Failure Log::Open(const std::string& dir, const LogOptions& opts, std::shared_ptr<Log>* out) {
  std::string why;
  // Measured (bench/RESULTS.md): for page-cache-only writes io_uring hands each file-extending
  // buffered write to a kernel worker thread, which costs 3x against an inline pwritev on this
  // 2-core machine. `always` logs gain from it (their group-commit syncs overlap); `interval` logs
  // sync on the syncer thread and write small appends inline, which needs pwrite.
  const uint64_t mode = opts.io == IO_AUTO && opts.durability != DURABILITY_ALWAYS ? IO_PWRITE : opts.io;
  IoBackend* backend = IoService::Get().Backend(mode, &why);
  if (!backend) return Failure{codes::IO, "io_uring is not available: " + why, dir, -1, ENOSYS};
  std::shared_ptr<Log> log(new Log(dir, opts));
  log->Attach(backend);
  DIR* d = opendir(dir.c_str());
  if (!d) return Failure::Io("opendir", dir, errno);
  std::vector<uint64_t> bases;
  std::vector<std::string> idxFiles;
  std::string prepared;
  while (dirent* e = readdir(d)) {
    uint64_t base;
    if (ParseSegmentName(e->d_name, &base)) bases.push_back(base);
    else if (std::strcmp(e->d_name, kSpareName) == 0) log->spare_ = dir + "/" + kSpareName;
    else if (std::strcmp(e->d_name, kPreparedName) == 0) prepared = dir + "/" + kPreparedName;
    else if (std::strlen(e->d_name) == 24 && std::strcmp(e->d_name + 20, ".idx") == 0) idxFiles.push_back(e->d_name);
  }
  closedir(d);
  // A prepared next segment (perhaps only partly zero-filled before a crash) is a spare like any.
  if (!prepared.empty()) {
    if (log->spare_.empty()) log->spare_ = prepared;
    else unlink(prepared.c_str());
  }
  std::sort(bases.begin(), bases.end());
  // An index whose segment is gone (crash between the two unlinks of retention) is dropped.
  for (const auto& name : idxFiles) {
    std::string logName = name.substr(0, 20) + ".log";
    uint64_t b;
    if (ParseSegmentName(logName.c_str(), &b) && !std::binary_search(bases.begin(), bases.end(), b)) unlink((dir + "/" + name).c_str());
  }
  for (size_t i = 0; i < bases.size(); i++) {
    auto seg = std::make_unique<Segment>(dir, bases[i]);
    if (i + 1 < bases.size()) seg->nextOffset = bases[i + 1];
    log->segments_.push_back(std::move(seg));
  }
  // A roll creates the next segment (named for the first offset it will hold) before the round's
  // writes to the sealed one are done, and a crash in between leaves an empty last segment whose
  // base lies past the sealed segment's torn tail. Taken as the end, that base would leave the
  // torn batch's offsets as a hole that no read can cross and later appends start after. So an
  // empty last segment is removed and the one before it recovered in its place, until the last
  // holds a batch: then everything before it was written whole (a round's writes to one log
  // complete in order: one thread's pwrites, or linked io_uring writes).
  while (!log->segments_.empty()) {
    Segment& last = *log->segments_.back();
    if (Failure f = last.Recover(opts.indexIntervalBytes, opts.segmentBytes)) return f;
    if (log->segments_.size() == 1 || last.nextOffset != last.base) break;
    last.CloseFds();
    unlink(last.path.c_str());
    unlink(last.idxPath.c_str());
    log->segments_.pop_back();
  }
  if (!log->segments_.empty()) {
    Segment& active = *log->segments_.back();
    log->nextOffset_ = active.nextOffset;
    log->startOffset_ = log->segments_.front()->base;
  }
  log->visibleEnd_ = log->nextOffset_;
  log->lastWriteMs = NowMs();
  log->nextSyncMs = log->lastWriteMs + static_cast<int64_t>(opts.syncIntervalMs);
  *out = log;
  return {};
}

Failure ValidateRecords(const uint8_t* p, uint32_t size, uint32_t count, uint64_t span) {
  uint64_t pos = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (pos + RECORD_HEADER_SIZE > size) return Failure{codes::INVALID_ARGUMENT, "packed records end early (record " + std::to_string(i) + ")"};
    const uint8_t* r = p + pos;
    const uint32_t rsize = LoadU32(r + R_OFF_SIZE);
    const uint32_t dataLen = LoadU32(r + R_OFF_DATA_LEN);
    const uint16_t keyLen = LoadU16(r + R_OFF_KEY_LEN);
    const uint8_t rflags = r[R_OFF_FLAGS];
    const uint64_t expect = RECORD_HEADER_SIZE + ((rflags & R_FLAG_EXPLICIT_HASH) ? EXPLICIT_HASH_SIZE : 0) + keyLen + uint64_t{dataLen};
    if (rsize != expect || pos + rsize > size) return Failure{codes::INVALID_ARGUMENT, "record " + std::to_string(i) + " has inconsistent lengths"};
    if (keyLen == 0 || keyLen > MAX_PARTITION_KEY_BYTES) return Failure{codes::INVALID_ARGUMENT, "record " + std::to_string(i) + " has a partition key of " + std::to_string(keyLen) + " bytes"};
    if ((rflags & ~R_FLAG_EXPLICIT_HASH) != 0 || r[15] != 0) return Failure{codes::INVALID_ARGUMENT, "record " + std::to_string(i) + " has unknown flags"};
    if (LoadU32(r + R_OFF_TS_DELTA) > span) return Failure{codes::INVALID_ARGUMENT, "record " + std::to_string(i) + " has a timestamp past maxTimestamp"};
    pos += rsize;
  }
  if (pos != size) return Failure{codes::INVALID_ARGUMENT, "packed records are followed by " + std::to_string(size - pos) + " stray bytes"};
  return {};
}

Failure Log::ValidatePayload(const uint8_t* p, uint32_t size, uint32_t count, uint16_t flags, int64_t baseTs, int64_t maxTs) const {
  if (maxTs < baseTs) return Failure{codes::INVALID_ARGUMENT, "maxTimestamp is before baseTimestamp"};
  const uint64_t stored = uint64_t{size} + ((flags & FLAG_ENCRYPTED) ? kAeadOverhead : 0);
  if (stored + BATCH_HEADER_SIZE > MAX_BATCH_BYTES) return Failure{codes::RECORD_TOO_LARGE, "batch exceeds the largest batch a log accepts"};
  // Encryption happens here, so an encrypted batch arrives as plaintext and is checked like a plain one.
  if ((flags & (FLAG_CODEC_MASK | FLAG_CONTROL)) != 0) return {};
  return ValidateRecords(p, size, count, static_cast<uint64_t>(maxTs - baseTs));
}

void Log::Attach(IoBackend* b) {
  backend = b;
  // Not `always`: its appends wait for an fdatasync, which must not run on the appending thread.
  inlineWrites_ = opts.durability != DURABILITY_ALWAYS && b != nullptr && std::strcmp(b->Name(), "pwrite") == 0;
}

uint64_t Log::StoredSize(const AppendOp& op) {
  const uint32_t stored = op.payloadSize + ((op.flags & FLAG_ENCRYPTED) ? static_cast<uint32_t>(kAeadOverhead) : 0);
  return AlignUp(BATCH_HEADER_SIZE + uint64_t{stored}, BATCH_ALIGN);
}

bool Log::FitsInline(const AppendOp& op) const {
  if (op.payloadSize > kInlineMaxBytes) return false;
  if (opts.durability == DURABILITY_NEVER) return true;
  // An `interval` append writes inline only when it needs none of the steps that can take
  // milliseconds: a roll (it fdatasyncs the sealed segment), reopening the file after an idle
  // sweep, or waiting for the zero-filler to reach its range. Those stay on the I/O thread.
  // Called under mu_ while no one holds the claim, so the segment's tail is not moving.
  if (segments_.empty()) return false;
  const Segment& s = *segments_.back();
  const uint64_t end = s.writePos + StoredSize(op);
  return s.fd >= 0 && end <= s.capacity && s.fill && s.fill->IsZeroed(end);
}

bool Log::TryClaim() {
  std::lock_guard<std::mutex> lock(mu_);
  if (claimed_) return false;
  claimed_ = true;
  return true;
}

void Log::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  claimed_ = false;
}

Failure Log::Append(AppendOp&& op, uint64_t* firstOffset, bool* wroteInline) {
  bool now = false;
  *wroteInline = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return Failure{codes::CLOSED, "log is closed"};
    if (poisoned_) return poisoned_;
    op.firstOffset = nextOffset_;
    nextOffset_ += op.count;
    *firstOffset = op.firstOffset;
    // A small `never` or `interval` append to an idle log (see FitsInline) is written right here:
    // a pwritev into the page cache costs less than waking the I/O thread and being woken back,
    // two thread hops that cost 50-70 µs each on small VMs (bench/RESULTS.md). Larger batches still
    // go to the I/O thread, whose copy then overlaps the JS thread's next batch: the TCP face's
    // puts (~30 KB per shard) lost a quarter of their rate when written inline. Only with nothing
    // queued and no one else working on the log's files, so order and the I/O thread's view of the
    // log are kept.
    now = inlineWrites_ && !claimed_ && pending_.empty() && controls_.empty() && FitsInline(op);
    if (now) claimed_ = true;
    pending_.push_back(std::move(op));
  }
  if (now) IoService::Get().RunNow(shared_from_this());
  else IoService::Get().Wake(shared_from_this());
  *wroteInline = now;
  return {};
}

Failure Log::Control(const ControlOp& op) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return Failure{codes::CLOSED, "log is closed"};
    if (op.kind == ControlKind::Close) closing_ = true;
    controls_.push_back(op);
  }
  IoService::Get().Wake(shared_from_this());
  return {};
}

std::vector<Completion> Log::TakeCompletions() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Completion> out;
  out.swap(done_);
  return out;
}

void Log::Notify() {
  if (notify) notify();
}

void Log::TakeWork(std::vector<AppendOp>* appends, std::vector<ControlOp>* controls) {
  std::lock_guard<std::mutex> lock(mu_);
  claimed_ = true;
  appends->swap(pending_);
  controls->swap(controls_);
}

Failure Log::Roll(uint64_t base, uint64_t minCapacity) {
  auto seg = std::make_unique<Segment>(dir, base);
  // The sealed segment needs no zeros past its end any more.
  if (!segments_.empty() && segments_.back()->fill) segments_.back()->fill->Cancel();
  std::string spare;
  spare.swap(spare_);
  if (spare.empty() && spareFill_) {
    // Taken over as it is, even if the filler is not done: what is zeroed is still won.
    spareFill_->Cancel();
    spare = spareFill_->path;
    spareFill_.reset();
  }
  if (Failure f = seg->Create(std::max(opts.segmentBytes, minCapacity), spare)) return f;
  std::lock_guard<std::mutex> lock(mu_);
  if (segments_.empty()) startOffset_ = base;
  segments_.push_back(std::move(seg));
  return {};
}

Failure Log::Prepare(AppendOp& op) {
  const bool encrypted = (op.flags & FLAG_ENCRYPTED) != 0;
  const uint32_t stored = op.payloadSize + (encrypted ? static_cast<uint32_t>(kAeadOverhead) : 0);
  const uint64_t size = StoredSize(op);
  Segment* s = segments_.empty() ? nullptr : segments_.back().get();
  if (!s || (s->writePos + size > s->capacity && s->writePos > SEGMENT_HEADER_SIZE)) {
    if (Failure f = Roll(op.firstOffset, SEGMENT_HEADER_SIZE + size)) return f;
    s = segments_.back().get();
  }
  if (s->fd < 0) {
    if (Failure f = s->OpenForWrite()) return f;
  }
  // Durable policies pay ~5x for syncing writes into never-written blocks on these VMs, so a
  // thread of its own zero-fills ahead of the tail (zero_fill.h); the range is claimed here.
  if (opts.durability != DURABILITY_NEVER) {
    if (!s->fill) s->fill = std::make_shared<FillState>(s->path, s->capacity, std::max(s->allocated, s->writePos), s->writePos);
    s->fill->Reserve(s->writePos, s->writePos + size);
  }
  uint8_t* h = op.header;
  std::memset(h, 0, sizeof op.header);
  StoreU32(h + B_OFF_MAGIC, static_cast<uint32_t>(BATCH_MAGIC));
  StoreU32(h + B_OFF_SIZE, static_cast<uint32_t>(size));
  StoreU16(h + B_OFF_VERSION, static_cast<uint16_t>(BATCH_FORMAT_VERSION));
  StoreU16(h + B_OFF_FLAGS, op.flags);
  StoreU64(h + B_OFF_FIRST_OFFSET, op.firstOffset);
  StoreU32(h + B_OFF_RECORD_COUNT, op.count);
  StoreU32(h + B_OFF_PAYLOAD_SIZE, stored);
  StoreI64(h + B_OFF_BASE_TS, op.baseTs);
  StoreI64(h + B_OFF_MAX_TS, op.maxTs);
  StoreU32(h + B_OFF_RAW_SIZE, op.rawSize);
  StoreU32(h + B_OFF_KEY_REF, op.keyRef);
  const uint8_t* payload = op.payload;
  if (encrypted) {
    // Sealed here, on the I/O thread, rather than on the JS thread that compresses: on two cores
    // that splits the per-batch CPU work between the two busy threads.
    op.sealed.reset(new uint8_t[stored]);
    const bool ok = SealBatch(op.key.data(), {reinterpret_cast<const uint8_t*>(opts.aad.data()), opts.aad.size()}, h, op.payload,
                              op.payloadSize, op.sealed.get());
    op.key.Wipe();
    if (!ok) return Failure{codes::CRYPTO, "AES-256-GCM encryption failed inside OpenSSL", dir, -1, 0};
    payload = op.sealed.get();
  }
  const uint64_t pad = size - BATCH_HEADER_SIZE - stored;
  uint32_t crc = Crc32c(0, h + B_OFF_CRC + 4, BATCH_HEADER_SIZE - B_OFF_CRC - 4);
  crc = Crc32c(crc, payload, stored);
  crc = Crc32c(crc, h + BATCH_HEADER_SIZE, pad);  // zero padding
  StoreU32(h + B_OFF_CRC, crc);
  op.iov[0] = {h, BATCH_HEADER_SIZE};
  op.iov[1] = {const_cast<uint8_t*>(payload), stored};
  op.iov[2] = {h + BATCH_HEADER_SIZE, pad};
  op.iovcnt = pad ? 3 : 2;
  op.seg = s;
  op.pos = s->writePos;
  s->writePos += size;
  return {};
}

Failure Log::OpenSealed(const uint8_t* batch, uint64_t avail, const uint8_t* key, uint8_t* out) const {
  BatchInfo b;
  if (!ParseHeader(batch, avail, &b) || !(b.flags & FLAG_ENCRYPTED) || b.payloadSize < kAeadOverhead)
    return Failure{codes::CORRUPT_BATCH, "not an encrypted batch", dir, -1, 0};
  if (!OpenBatch(key, {reinterpret_cast<const uint8_t*>(opts.aad.data()), opts.aad.size()}, batch, batch + BATCH_HEADER_SIZE,
                 b.payloadSize, out))
    return Failure{codes::CRYPTO, "encrypted batch at offset " + std::to_string(b.firstOffset) +
                                      " does not authenticate: tampered, moved from another position or log, or the wrong key",
                   dir, -1, 0};
  return {};
}

void Log::RoundSyncFds(const std::vector<AppendOp>& ops, size_t n, std::vector<int>* fds) const {
  if (opts.durability != DURABILITY_ALWAYS) return;
  int last = -1;
  for (size_t i = 0; i < n; i++) {
    int fd = ops[i].seg->fd;
    if (fd != last) fds->push_back(fd);
    last = fd;
  }
}

void Log::Commit(std::vector<AppendOp>& ops, size_t n, const Failure& f) {
  if (n == 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < n; i++) {
      AppendOp& op = ops[i];
      if (f || poisoned_) {
        if (!poisoned_) poisoned_ = f;
        done_.push_back({op.id, poisoned_, 0});
        continue;
      }
      Segment* s = op.seg;
      BatchInfo b;
      b.firstOffset = op.firstOffset;
      b.count = op.count;
      b.maxTs = op.maxTs;
      const uint64_t size = op.iov[0].iov_len + op.iov[1].iov_len + (op.iovcnt == 3 ? op.iov[2].iov_len : 0);
      if (s->verifiedEnd == s->end) s->verifiedEnd = op.pos + size;
      s->end = op.pos + size;
      s->nextOffset = op.firstOffset + op.count;
      if (op.count) {
        if (s->firstTs == kNoTs) s->firstTs = op.baseTs;
        s->maxTs = std::max(s->maxTs, op.maxTs);
      }
      s->MaybeIndex(op.pos, b, opts.indexIntervalBytes);
      visibleEnd_ = s->nextOffset;
      done_.push_back({op.id, {}, op.firstOffset});
    }
  }
  dirty = true;
  lastWriteMs = NowMs();
  for (auto& seg : segments_) {
    if (seg->idxFd >= 0 && seg->indexPersisted < seg->index.size()) seg->PersistIndex();
  }
  CloseSealedFds();
}

void Log::FailAll(std::vector<AppendOp>& ops, size_t from, const Failure& f) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!poisoned_) poisoned_ = f;
  for (size_t i = from; i < ops.size(); i++) done_.push_back({ops[i].id, poisoned_, 0});
}

void Log::CloseSealedFds() {
  for (size_t i = 0; i + 1 < segments_.size(); i++) {
    Segment& s = *segments_[i];
    if (s.fd >= 0) {
      s.PersistIndex();
      if (opts.durability != DURABILITY_NEVER) fdatasync(s.fd);
      s.CloseFds();
    }
  }
}

int Log::ActiveFd() { return segments_.empty() ? -1 : segments_.back()->fd; }

void Log::RequestFill() {
  // Not after a close in the same round: a fill started then would create prepared.spare after the
  // close was acknowledged (found as a directory that would not delete, in test/storage/zero-fill).
  if (finished || opts.durability == DURABILITY_NEVER || segments_.empty()) return;
  Segment& s = *segments_.back();
  if (s.fill) s.fill->MaybeRequest(s.fill);
  // Past half of the active segment, zero-fill the next one's file in advance, so that the
  // writes right after the roll do not pay for block allocation either.
  if (spare_.empty() && !spareFill_ && s.writePos >= s.capacity / 2) {
    spareFill_ = std::make_shared<FillState>(dir + "/" + kPreparedName, opts.segmentBytes, 0, 0, opts.segmentBytes, opts.segmentBytes, true);
  }
  if (spareFill_) spareFill_->MaybeRequest(spareFill_);
}

uint64_t Log::Trim(const ControlOp& op) {
  std::vector<std::unique_ptr<Segment>> removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t total = 0;
    for (size_t i = 0; i < segments_.size(); i++) {
      if (!segments_[i]->loaded) LoadSealed(i);
      total += segments_[i]->end;
    }
    while (segments_.size() > 1) {
      Segment& s = *segments_.front();
      const bool old = op.olderThan != kNoTs && s.loaded && s.maxTs != kNoTs && s.maxTs < op.olderThan;
      const bool big = op.maxBytes && total > op.maxBytes;
      const bool below = op.beforeOffset && segments_[1]->base <= op.beforeOffset;
      if (!old && !big && !below) break;
      total -= s.end;
      removed.push_back(std::move(segments_.front()));
      segments_.pop_front();
    }
    if (!segments_.empty()) startOffset_ = std::max(startOffset_, segments_.front()->base);
    // The active segment is never deleted (it carries the log's next offset across restarts);
    // data in it that retention removes becomes unreadable by moving the start offset.
    if (op.olderThan != kNoTs) {
      uint64_t first = visibleEnd_;
      if (!FindLocked(op.olderThan, &first)) startOffset_ = std::max(startOffset_, first);
    }
    if (op.beforeOffset) startOffset_ = std::max(startOffset_, std::min(op.beforeOffset, visibleEnd_));
  }
  for (auto& s : removed) {
    // No zeros may land in the file once it is renamed for recycling.
    if (s->fill) s->fill->Cancel();
    s->CloseFds();
    unlink(s->idxPath.c_str());
    // A file no view maps any more can be recycled: its blocks are already allocated.
    const bool unviewed = !s->map || s->map.use_count() == 1;
    if (unviewed && spare_.empty() && opts.durability != DURABILITY_NEVER) {
      std::string spare = dir + "/" + kSpareName;
      if (rename(s->path.c_str(), spare.c_str()) == 0) {
        spare_ = spare;
        continue;
      }
    }
    unlink(s->path.c_str());
  }
  return removed.size();
}

void Log::RunControl(const ControlOp& op) {
  Completion c{op.id, {}, 0};
  switch (op.kind) {
    case ControlKind::Trim:
      c.value = Trim(op);
      break;
    case ControlKind::Flush:
    case ControlKind::Close: {
      for (auto& seg : segments_) seg->PersistIndex();
      int fd = ActiveFd();
      if (fd >= 0 && fdatasync(fd) != 0) c.failure = Failure::Io("fdatasync", segments_.back()->path, errno);
      dirty = false;
      if (op.kind == ControlKind::Close) {
        if (spareFill_) spareFill_->Cancel();
        for (auto& seg : segments_) {
          if (seg->fill) seg->fill->Cancel();
          seg->CloseFds();
        }
        finished = true;
      }
      break;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  done_.push_back(std::move(c));
}

void Log::SweepIdle(int64_t nowMs, int64_t idleMs) {
  if (nowMs - lastWriteMs < idleMs) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!pending_.empty()) return;
  for (size_t i = 0; i < segments_.size(); i++) {
    Segment& s = *segments_[i];
    if (i + 1 == segments_.size() && s.fd >= 0) {
      if (dirty && opts.durability != DURABILITY_NEVER) fdatasync(s.fd);
      s.PersistIndex();
      s.CloseFds();
      dirty = false;
    }
    // Mappings that no reader uses are dropped; the next read maps the file again.
    if (s.map && s.map.use_count() == 1 && nowMs - s.lastUseMs >= idleMs) s.Unmap();
  }
}

size_t Log::FindSegment(uint64_t offset) const {
  size_t lo = 0, hi = segments_.size();
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (segments_[mid]->base <= offset) lo = mid; else hi = mid;
  }
  return lo;
}

Failure Log::LoadSealed(size_t i) {
  Segment& s = *segments_[i];
  if (s.loaded) return {};
  const uint64_t next = i + 1 < segments_.size() ? segments_[i + 1]->base : UINT64_MAX;
  return s.Load(next, opts.indexIntervalBytes);
}

Failure Log::Read(uint64_t offset, uint64_t maxRecords, uint64_t maxBytes, ReadView* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (offset < startOffset_ || offset > visibleEnd_)
    return Failure{codes::OFFSET_OUT_OF_RANGE, "offset " + std::to_string(offset) + " is outside the log [" + std::to_string(startOffset_) + ", " + std::to_string(visibleEnd_) + ")"};
  if (offset == visibleEnd_ || segments_.empty()) return {};
  size_t i = FindSegment(offset);
  if (Failure f = LoadSealed(i)) return f;
  while (offset >= segments_[i]->nextOffset && i + 1 < segments_.size()) {
    i++;
    if (Failure f = LoadSealed(i)) return f;
  }
  Segment& s = *segments_[i];
  if (Failure f = s.EnsureMapped()) return f;
  s.lastUseMs = NowMs();
  const uint8_t* m = s.map->addr;
  const uint64_t end = s.end;
  // Sparse index: last entry at or before the offset.
  uint64_t pos = SEGMENT_HEADER_SIZE;
  {
    size_t lo = 0, hi = s.index.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (s.base + s.index[mid].relOffset <= offset) lo = mid + 1; else hi = mid;
    }
    if (lo > 0) pos = s.index[lo - 1].pos;
  }
  auto corruptAt = [&](uint64_t p) -> const CorruptRange* {
    for (const auto& c : s.corrupt) if (c.startPos == p) return &c;
    return nullptr;
  };
  auto check = [&](uint64_t p, BatchInfo* b) -> Failure {
    if (!ParseHeader(m + p, end - p, b)) return Corrupt(s, p, "damaged batch header");
    if (p >= s.verifiedEnd) {
      if (!CrcMatches(m + p, b->size)) return Corrupt(s, p, "batch checksum mismatch");
      if (p == s.verifiedEnd) s.verifiedEnd = p + b->size;
    }
    return {};
  };
  BatchInfo b;
  for (;;) {
    if (pos >= end) return {};  // the offset was in a corrupt tail range already reported as missing
    if (const CorruptRange* c = corruptAt(pos)) {
      if (offset >= c->resumeOffset && c->resumePos < end) { pos = c->resumePos; continue; }
      return Corrupt(s, pos, "corrupt batch");
    }
    if (Failure f = check(pos, &b)) return f;
    if (b.count && offset < b.firstOffset + b.count) break;
    pos += b.size;
  }
  const uint64_t start = pos;
  uint64_t records = b.firstOffset + b.count - offset;
  uint64_t bytes = b.payloadSize;
  pos += b.size;
  while (pos < end && records < maxRecords && bytes < maxBytes && !corruptAt(pos)) {
    if (Failure f = check(pos, &b)) return f;
    if (bytes + b.payloadSize > maxBytes) break;
    records += b.count;
    bytes += b.payloadSize;
    pos += b.size;
  }
  out->map = s.map;
  out->startPos = start;
  out->endPos = pos;
  out->file = s.path;
  return {};
}

Failure Log::FindByTimestamp(int64_t ts, uint64_t* offset) {
  std::lock_guard<std::mutex> lock(mu_);
  return FindLocked(ts, offset);
}

Failure Log::FindLocked(int64_t ts, uint64_t* offset) {
  *offset = visibleEnd_;
  for (size_t i = 0; i < segments_.size(); i++) {
    if (Failure f = LoadSealed(i)) return f;
    Segment& s = *segments_[i];
    if (s.maxTs == kNoTs || s.maxTs < ts || s.end == SEGMENT_HEADER_SIZE) continue;
    if (Failure f = s.EnsureMapped()) return f;
    uint64_t pos = SEGMENT_HEADER_SIZE;
    for (const auto& e : s.index) {
      if (e.maxTs >= ts) break;
      pos = e.pos;
    }
    const uint8_t* m = s.map->addr;
    while (pos < s.end) {
      const CorruptRange* c = nullptr;
      for (const auto& r : s.corrupt) if (r.startPos == pos) c = &r;
      if (c) {
        if (c->resumePos >= s.end) break;
        pos = c->resumePos;
        continue;
      }
      BatchInfo b;
      if (!ParseHeader(m + pos, s.end - pos, &b)) return Corrupt(s, pos, "damaged batch header");
      if (b.count && b.maxTs >= ts) {
        *offset = std::max(b.firstOffset, startOffset_);
        return {};
      }
      pos += b.size;
    }
  }
  return {};
}

uint64_t Log::StartOffset() {
  std::lock_guard<std::mutex> lock(mu_);
  return startOffset_;
}

uint64_t Log::NextOffset() {
  std::lock_guard<std::mutex> lock(mu_);
  return nextOffset_;
}

uint64_t Log::EndOffset() {
  std::lock_guard<std::mutex> lock(mu_);
  return visibleEnd_;
}

LogStats Log::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  LogStats st{startOffset_, visibleEnd_, segments_.size(), 0, kNoTs, kNoTs};
  for (size_t i = 0; i < segments_.size(); i++) {
    LoadSealed(i);
    const Segment& s = *segments_[i];
    st.bytes += s.end;
    if (st.firstTs == kNoTs && s.firstTs != kNoTs && s.nextOffset > startOffset_) st.firstTs = s.firstTs;
    if (s.maxTs != kNoTs) st.lastTs = s.maxTs;
  }
  return st;
}

}  // namespace mr
