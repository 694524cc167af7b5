// One segment file of a log: a 64-byte header, then 8-byte-aligned batches, plus a sparse index
// file beside it. A Segment is owned by its Log and guarded by the Log's mutex; the fields marked
// "writer" are touched by the I/O thread only.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "zero_fill.h"

namespace mr {

inline constexpr int64_t kNoTs = std::numeric_limits<int64_t>::min();

// A read-only shared mapping of a segment file. Zero-copy Buffers handed to JS hold a
// shared_ptr to it, so a segment removed by retention stays mapped (and its unlinked file
// stays allocated) until the last view is garbage-collected.
struct Mapping {
  uint8_t* addr = nullptr;
  size_t len = 0;
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping();
};

struct IndexEntry {
  uint32_t relOffset;
  uint32_t pos;
  int64_t maxTs;
};

struct BatchInfo {
  uint64_t firstOffset = 0;
  uint32_t count = 0;
  uint32_t size = 0;
  uint32_t payloadSize = 0;
  uint16_t flags = 0;
  int64_t baseTs = 0;
  int64_t maxTs = 0;
};

// Bytes of a segment that failed their checks in the middle of the log; reads that reach them
// raise MR_CORRUPT_BATCH, reads that start past them go on from `resumePos`.
struct CorruptRange {
  uint64_t startPos;
  uint64_t resumePos;
  uint64_t resumeOffset;
};

// Checks that the header at `p` is plausible (magic, version, size within `avail`, aligned).
bool ParseHeader(const uint8_t* p, uint64_t avail, BatchInfo* out);
bool CrcMatches(const uint8_t* batch, uint32_t size);

std::string SegmentName(uint64_t base);

class Segment {
 public:
  Segment(const std::string& dir, uint64_t base);
  ~Segment();

  const uint64_t base;
  const std::string path;
  const std::string idxPath;

  // Visible state (guarded by the log mutex).
  uint64_t capacity = 0;                // largest size this file may reach
  uint64_t end = SEGMENT_HEADER_SIZE;   // position after the last visible batch
  uint64_t nextOffset;                  // offset after the last visible record
  int64_t maxTs = kNoTs;
  int64_t firstTs = kNoTs;
  bool loaded = false;                  // index, end and timestamps are known
  std::vector<IndexEntry> index;
  std::vector<CorruptRange> corrupt;
  uint64_t verifiedEnd = SEGMENT_HEADER_SIZE;  // batches below were CRC-checked or written by us
  std::shared_ptr<Mapping> map;
  int64_t lastUseMs = 0;

  // Writer state (I/O thread).
  int fd = -1;
  int idxFd = -1;
  uint64_t writePos = SEGMENT_HEADER_SIZE;
  uint64_t allocated = 0;       // bytes of the file already written once, when it became active
  std::shared_ptr<FillState> fill;  // durable logs' active segment: zero-filled ahead of writePos
  uint64_t lastIndexedPos = 0;  // position of the batch behind the last index entry
  size_t indexPersisted = 0;    // index entries already in the .idx file

  // Maps the file read-only if it is not mapped yet.
  Failure EnsureMapped();
  // Sealed segment: learns end, nextOffset and timestamps from the index and a scan of the
  // tail. `expectedNext` is the next segment's base (where this one must end).
  Failure Load(uint64_t expectedNext, uint64_t indexInterval);
  // Active segment at open: verifies everything after the last trustworthy index entry,
  // records middle corruption, cuts a torn tail and rebuilds the index.
  Failure Recover(uint64_t indexInterval, uint64_t segmentBytes);
  // Creates (or takes over `spare`, a recycled file) a fresh segment file for writing.
  Failure Create(uint64_t segmentBytes, const std::string& spare);
  // Opens the data and index files for writing (after an idle close or at open).
  Failure OpenForWrite();
  void CloseFds();
  Failure PersistIndex();
  void MaybeIndex(uint64_t pos, const BatchInfo& b, uint64_t interval);
  void Unmap() { map.reset(); }

 private:
  Failure LoadIndexFile();
  Failure ScanForward(uint64_t pos, uint64_t expect, uint64_t limit, uint64_t stopOffset, uint64_t interval, bool repairTail);
};

}  // namespace mr
