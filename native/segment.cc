#include "segment.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "crc32c.h"

namespace mr {

Mapping::~Mapping() {
  if (addr) munmap(addr, len);
}

bool ParseHeader(const uint8_t* p, uint64_t avail, BatchInfo* out) {
  if (avail < BATCH_HEADER_SIZE) return false;
  if (LoadU32(p + B_OFF_MAGIC) != BATCH_MAGIC) return false;
  if (LoadU16(p + B_OFF_VERSION) != BATCH_FORMAT_VERSION) return false;
  const uint32_t size = LoadU32(p + B_OFF_SIZE);
  const uint32_t payload = LoadU32(p + B_OFF_PAYLOAD_SIZE);
  if (size < BATCH_HEADER_SIZE || size > avail || size % BATCH_ALIGN != 0) return false;
  if (AlignUp(BATCH_HEADER_SIZE + uint64_t{payload}, BATCH_ALIGN) != size) return false;
  out->firstOffset = LoadU64(p + B_OFF_FIRST_OFFSET);
  out->count = LoadU32(p + B_OFF_RECORD_COUNT);
  out->size = size;
  out->payloadSize = payload;
  out->flags = LoadU16(p + B_OFF_FLAGS);
  out->baseTs = LoadI64(p + B_OFF_BASE_TS);
  out->maxTs = LoadI64(p + B_OFF_MAX_TS);
  return out->maxTs >= out->baseTs;
}

bool CrcMatches(const uint8_t* batch, uint32_t size) {
  return Crc32c(0, batch + B_OFF_CRC + 4, size - B_OFF_CRC - 4) == LoadU32(batch + B_OFF_CRC);
}

std::string SegmentName(uint64_t base) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(base));
  return buf;
}

Segment::Segment(const std::string& dir, uint64_t b)
    : base(b), path(dir + "/" + SegmentName(b) + ".log"), idxPath(dir + "/" + SegmentName(b) + ".idx"), nextOffset(b) {}

Segment::~Segment() {
  if (fill) fill->Cancel();
  CloseFds();
}

void Segment::CloseFds() {
  if (fd >= 0) close(fd);
  if (idxFd >= 0) close(idxFd);
  fd = idxFd = -1;
}

Failure Segment::EnsureMapped() {
  if (map) return {};
  // Always a descriptor of our own: the writer's may be closed by the I/O thread meanwhile.
  int rfd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (rfd < 0) return Failure::Io("open", path, errno);
  size_t len = capacity;
  if (len == 0) {
    struct stat st;
    if (fstat(rfd, &st) != 0) {
      int e = errno;
          close(rfd);
      return Failure::Io("fstat", path, e);
    }
    len = capacity = static_cast<uint64_t>(st.st_size);
  }
  void* a = len ? mmap(nullptr, len, PROT_READ, MAP_SHARED, rfd, 0) : nullptr;
  int e = errno;
  close(rfd);  // the mapping keeps the file open
  if (a == MAP_FAILED) return Failure::Io("mmap", path, e);
  auto m = std::make_shared<Mapping>();
  m->addr = static_cast<uint8_t*>(a);
  m->len = len;
  map = std::move(m);
  return {};
}

void Segment::MaybeIndex(uint64_t pos, const BatchInfo& b, uint64_t interval) {
  if (!index.empty() && pos - lastIndexedPos < interval) return;
  index.push_back({static_cast<uint32_t>(b.firstOffset - base), static_cast<uint32_t>(pos), b.maxTs});
  lastIndexedPos = pos;
}

Failure Segment::LoadIndexFile() {
  index.clear();
  int ifd = open(idxPath.c_str(), O_RDONLY | O_CLOEXEC);
  if (ifd < 0) return {};  // missing index: rebuilt by the scan
  struct stat st;
  if (fstat(ifd, &st) == 0 && st.st_size >= static_cast<off_t>(INDEX_ENTRY_SIZE)) {
    size_t n = static_cast<size_t>(st.st_size) / INDEX_ENTRY_SIZE;
    std::vector<uint8_t> raw(n * INDEX_ENTRY_SIZE);
    ssize_t r = pread(ifd, raw.data(), raw.size(), 0);
    if (r > 0) n = static_cast<size_t>(r) / INDEX_ENTRY_SIZE;
    else n = 0;
    // Keep the prefix of entries that point at real batches with the offsets they claim:
    // an index written ahead of a crash, or copied from elsewhere, is stale past that point.
    const uint8_t* m = map->addr;
    uint32_t prevPos = 0, prevRel = 0;
    for (size_t i = 0; i < n; i++) {
      const uint8_t* e = raw.data() + i * INDEX_ENTRY_SIZE;
      IndexEntry ent{LoadU32(e), LoadU32(e + 4), LoadI64(e + 8)};
      BatchInfo b;
      if (ent.pos < SEGMENT_HEADER_SIZE || ent.pos >= map->len || (i && (ent.pos <= prevPos || ent.relOffset < prevRel))) break;
      if (!ParseHeader(m + ent.pos, map->len - ent.pos, &b) || b.firstOffset != base + ent.relOffset || b.maxTs != ent.maxTs) break;
      index.push_back(ent);
      prevPos = ent.pos;
      prevRel = ent.relOffset;
    }
  }
  close(ifd);
  indexPersisted = index.size();
  return {};
}

// Walks batches from `pos` (which must hold offset `expect`) up to `limit` bytes, CRC-checking
// each, indexing as it goes. A bad batch followed later by a good one with a higher offset is
// middle corruption (kept as a CorruptRange); a bad batch with nothing good after it is a torn
// tail, which is cut when `repairTail` is set (active segment) and is corruption otherwise.
Failure Segment::ScanForward(uint64_t pos, uint64_t expect, uint64_t limit, uint64_t stopOffset, uint64_t interval, bool repairTail) {
  const uint8_t* m = map->addr;
  while (pos + BATCH_HEADER_SIZE <= limit && expect < stopOffset) {
    BatchInfo b;
    if (ParseHeader(m + pos, limit - pos, &b) && b.firstOffset == expect && CrcMatches(m + pos, b.size)) {
      MaybeIndex(pos, b, interval);
      if (firstTs == kNoTs && b.count) firstTs = b.baseTs;
      maxTs = std::max(maxTs, b.maxTs);
      pos += b.size;
      expect += b.count;
      continue;
    }
    if (LoadU32(m + pos + B_OFF_MAGIC) == 0 && LoadU32(m + pos + B_OFF_SIZE) == 0) break;  // never written: the end
    // Look for a later intact batch that continues the log.
    uint64_t q = pos + BATCH_ALIGN;
    BatchInfo nb;
    bool found = false;
    for (; q + BATCH_HEADER_SIZE <= limit; q += BATCH_ALIGN) {
      if (LoadU32(m + q) != BATCH_MAGIC) continue;
      if (ParseHeader(m + q, limit - q, &nb) && nb.firstOffset > expect && nb.firstOffset < stopOffset && CrcMatches(m + q, nb.size)) {
        found = true;
        break;
      }
    }
    if (found) {
      corrupt.push_back({pos, q, nb.firstOffset});
      pos = q;
      expect = nb.firstOffset;
      index.push_back({static_cast<uint32_t>(nb.firstOffset - base), static_cast<uint32_t>(q), nb.maxTs});
      lastIndexedPos = q;
      continue;
    }
    break;  // nothing intact follows: a torn tail (active segment) or lost data (sealed)
  }
  // A sealed segment must reach the next segment's base; what is missing is reported, not hidden.
  if (!repairTail && expect < stopOffset && stopOffset != UINT64_MAX) corrupt.push_back({pos, limit, stopOffset});
  end = pos;
  nextOffset = expect;
  verifiedEnd = pos;
  loaded = true;
  return {};
}

Failure Segment::Load(uint64_t expectedNext, uint64_t interval) {
  if (loaded) return {};
  if (Failure f = EnsureMapped()) return f;
  if (map->len < SEGMENT_HEADER_SIZE || LoadU32(map->addr) != SEGMENT_MAGIC)
    return Failure{codes::CORRUPT_BATCH, "segment header is damaged", path, 0, 0};
  if (Failure f = LoadIndexFile()) return f;
  uint64_t pos = SEGMENT_HEADER_SIZE, expect = base;
  if (!index.empty()) {
    pos = index.back().pos;
    expect = base + index.back().relOffset;
    lastIndexedPos = pos;
    maxTs = index.back().maxTs;
    BatchInfo first;
    if (ParseHeader(map->addr + SEGMENT_HEADER_SIZE, map->len - SEGMENT_HEADER_SIZE, &first)) firstTs = first.baseTs;
  }
  const size_t before = index.size();
  const uint64_t scanStart = pos;
  if (Failure f = ScanForward(pos, expect, map->len, expectedNext, interval, false)) return f;
  // Batches before the scan are CRC-checked lazily, when first read.
  verifiedEnd = scanStart == SEGMENT_HEADER_SIZE ? end : SEGMENT_HEADER_SIZE;
  if (index.size() != before) return PersistIndex();
  return {};
}

Failure Segment::Recover(uint64_t interval, uint64_t segmentBytes) {
  if (Failure f = OpenForWrite()) return f;
  struct stat st;
  if (fstat(fd, &st) != 0) return Failure::Io("fstat", path, errno);
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  capacity = std::max<uint64_t>(segmentBytes, size);
  allocated = size;
  if (size < SEGMENT_HEADER_SIZE) {
    // Crashed while being created: nothing in it was ever acknowledged.
    CloseFds();
    unlink(path.c_str());
    unlink(idxPath.c_str());
    return Create(segmentBytes, "");
  }
  if (Failure f = EnsureMapped()) return f;
  if (LoadU32(map->addr) != SEGMENT_MAGIC || LoadU64(map->addr + SEG_OFF_BASE_OFFSET) != base)
    return Failure{codes::CORRUPT_BATCH, "segment header is damaged", path, 0, 0};
  if (Failure f = LoadIndexFile()) return f;
  uint64_t pos = SEGMENT_HEADER_SIZE, expect = base;
  if (!index.empty()) {
    // Trust the index up to its last entry (its batch was checked above); verify from there.
    pos = index.back().pos;
    expect = base + index.back().relOffset;
    lastIndexedPos = pos;
    maxTs = index.back().maxTs;
    index.pop_back();
    indexPersisted = std::min(indexPersisted, index.size());
    BatchInfo first;
    if (ParseHeader(map->addr + SEGMENT_HEADER_SIZE, size - SEGMENT_HEADER_SIZE, &first)) firstTs = first.baseTs;
    lastIndexedPos = index.empty() ? 0 : index.back().pos;
  }
  const uint64_t scanStart = pos;
  if (Failure f = ScanForward(pos, expect, size, UINT64_MAX, interval, true)) return f;
  verifiedEnd = scanStart == SEGMENT_HEADER_SIZE ? end : SEGMENT_HEADER_SIZE;
  writePos = end;
  // Rewrite the index file from scratch: it may hold entries past the cut tail.
  if (ftruncate(idxFd, 0) != 0) return Failure::Io("ftruncate", idxPath, errno);
  indexPersisted = 0;
  return PersistIndex();
}

Failure Segment::OpenForWrite() {
  if (fd < 0) {
    fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return Failure::Io("open", path, errno);
  }
  if (idxFd < 0) {
    idxFd = open(idxPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (idxFd < 0) return Failure::Io("open", idxPath, errno);
  }
  return {};
}

Failure Segment::Create(uint64_t segmentBytes, const std::string& spare) {
  capacity = segmentBytes;
  allocated = 0;
  uint8_t header[SEGMENT_HEADER_SIZE] = {};
  StoreU32(header + SEG_OFF_MAGIC, static_cast<uint32_t>(SEGMENT_MAGIC));
  StoreU16(header + SEG_OFF_VERSION, static_cast<uint16_t>(SEGMENT_FORMAT_VERSION));
  StoreU64(header + SEG_OFF_BASE_OFFSET, base);
  StoreI64(header + SEG_OFF_CREATED_MS, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  StoreU64(header + SEG_OFF_CAPACITY, capacity);
  // A recycled file still holds old batches: zero the first batch slot so a crash before the
  // first write never lets recovery mistake them for this segment's data (their offsets are
  // lower than `base`, which the scan also rejects).
  uint8_t zeros[BATCH_HEADER_SIZE] = {};
  if (!spare.empty()) {
    // Stamp the header while the file still has the spare's name, then rename: a crash at any
    // instant leaves a spare, or a segment with this segment's header, never a segment file that
    // still holds a spare's zeros or an old segment's header (which recovery must refuse).
    int sfd = open(spare.c_str(), O_RDWR | O_CLOEXEC);
    if (sfd >= 0) {
      struct stat st;
      const uint64_t size = fstat(sfd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
      const bool stamped = pwrite(sfd, header, sizeof header, 0) == static_cast<ssize_t>(sizeof header) &&
                           (size <= SEGMENT_HEADER_SIZE || pwrite(sfd, zeros, sizeof zeros, SEGMENT_HEADER_SIZE) == static_cast<ssize_t>(sizeof zeros));
      if (stamped && rename(spare.c_str(), path.c_str()) == 0) {
        fd = sfd;
        allocated = std::min<uint64_t>(std::max<uint64_t>(size, SEGMENT_HEADER_SIZE), capacity);
      } else {
        close(sfd);
      }
    }
  }
  if (fd < 0) {
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Failure::Io("open", path, errno);
    if (pwrite(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header)) return Failure::Io("pwrite", path, errno);
  }
  allocated = std::max<uint64_t>(allocated, SEGMENT_HEADER_SIZE);
  unlink(idxPath.c_str());
  idxFd = open(idxPath.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (idxFd < 0) return Failure::Io("open", idxPath, errno);
  index.clear();
  indexPersisted = 0;
  end = writePos = verifiedEnd = SEGMENT_HEADER_SIZE;
  nextOffset = base;
  maxTs = firstTs = kNoTs;
  loaded = true;
  return {};
}

Failure Segment::PersistIndex() {
  if (indexPersisted >= index.size()) return {};
  int ifd = idxFd >= 0 ? idxFd : open(idxPath.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (ifd < 0) return Failure::Io("open", idxPath, errno);
  std::vector<uint8_t> raw((index.size() - indexPersisted) * INDEX_ENTRY_SIZE);
  for (size_t i = indexPersisted; i < index.size(); i++) {
    uint8_t* e = raw.data() + (i - indexPersisted) * INDEX_ENTRY_SIZE;
    StoreU32(e, index[i].relOffset);
    StoreU32(e + 4, index[i].pos);
    StoreI64(e + 8, index[i].maxTs);
  }
  ssize_t w = pwrite(ifd, raw.data(), raw.size(), static_cast<off_t>(indexPersisted * INDEX_ENTRY_SIZE));
  int e = errno;
  if (ifd != idxFd) close(ifd);
  if (w != static_cast<ssize_t>(raw.size())) return Failure::Io("pwrite", idxPath, w < 0 ? e : EIO);
  indexPersisted = index.size();
  return {};
}

}  // namespace mr
