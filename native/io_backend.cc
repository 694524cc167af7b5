#include "io_backend.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "constants.h"

#ifndef MR_NO_IO_URING
#include <linux/io_uring.h>
#endif

namespace mr {

int WriteFully(int fd, uint64_t pos, const iovec* iov, int iovcnt, size_t skip) {
  std::vector<iovec> v(iov, iov + iovcnt);
  size_t i = 0;
  auto consume = [&](size_t n) {
    while (n > 0 && i < v.size()) {
      if (n >= v[i].iov_len) { n -= v[i].iov_len; i++; }
      else { v[i].iov_base = static_cast<char*>(v[i].iov_base) + n; v[i].iov_len -= n; n = 0; }
    }
  };
  consume(skip);
  pos += skip;
  while (i < v.size()) {
    if (v[i].iov_len == 0) { i++; continue; }
    ssize_t w = pwritev(fd, v.data() + i, static_cast<int>(v.size() - i), static_cast<off_t>(pos));
    if (w < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (w == 0) return -EIO;
    pos += static_cast<uint64_t>(w);
    consume(static_cast<size_t>(w));
  }
  return 0;
}

namespace {

class PwriteBackend final : public IoBackend {
 public:
  const char* Name() const override { return "pwrite"; }
  void Writev(IoReq* reqs, size_t n) override {
    for (size_t k = 0; k < n; k++) reqs[k].result = WriteFully(reqs[k].fd, reqs[k].pos, reqs[k].iov, reqs[k].iovcnt, 0);
  }
  void Datasync(const int* fds, int* results, size_t n) override {
    for (size_t k = 0; k < n; k++) results[k] = fdatasync(fds[k]) == 0 ? 0 : -errno;
  }
};

#ifndef MR_NO_IO_URING
int SysSetup(unsigned entries, io_uring_params* p) { return static_cast<int>(syscall(__NR_io_uring_setup, entries, p)); }
int SysEnter(int fd, unsigned submit, unsigned complete, unsigned flags) {
  return static_cast<int>(syscall(__NR_io_uring_enter, fd, submit, complete, flags, nullptr, 0));
}

// A minimal io_uring driven by one thread: fill SQEs, one io_uring_enter to submit and wait,
// then reap CQEs. Memory ordering follows the kernel's contract: the SQ tail is published
// with release, the CQ tail read with acquire.
class UringBackend final : public IoBackend {
 public:
  ~UringBackend() override {
    if (sqes_) munmap(sqes_, sqesSize_);
    if (cqPtr_ && cqPtr_ != sqPtr_) munmap(cqPtr_, cqSize_);
    if (sqPtr_) munmap(sqPtr_, sqSize_);
    if (fd_ >= 0) close(fd_);
  }
  const char* Name() const override { return "io_uring"; }

  bool Init(std::string* why) {
    io_uring_params p{};
    fd_ = SysSetup(kEntries, &p);
    if (fd_ < 0) { *why = std::string("io_uring_setup: ") + std::strerror(errno); return false; }
    sqSize_ = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
    cqSize_ = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
    const bool single = p.features & IORING_FEAT_SINGLE_MMAP;
    if (single) sqSize_ = cqSize_ = std::max(sqSize_, cqSize_);
    sqPtr_ = mmap(nullptr, sqSize_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, IORING_OFF_SQ_RING);
    if (sqPtr_ == MAP_FAILED) { sqPtr_ = nullptr; *why = "mmap of the SQ ring failed"; return false; }
    cqPtr_ = single ? sqPtr_ : mmap(nullptr, cqSize_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, IORING_OFF_CQ_RING);
    if (cqPtr_ == MAP_FAILED) { cqPtr_ = nullptr; *why = "mmap of the CQ ring failed"; return false; }
    sqesSize_ = p.sq_entries * sizeof(io_uring_sqe);
    sqes_ = static_cast<io_uring_sqe*>(mmap(nullptr, sqesSize_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, IORING_OFF_SQES));
    if (sqes_ == MAP_FAILED) { sqes_ = nullptr; *why = "mmap of the SQEs failed"; return false; }
    auto* sq = static_cast<uint8_t*>(sqPtr_);
    auto* cq = static_cast<uint8_t*>(cqPtr_);
    sqHead_ = reinterpret_cast<std::atomic<uint32_t>*>(sq + p.sq_off.head);
    sqTail_ = reinterpret_cast<std::atomic<uint32_t>*>(sq + p.sq_off.tail);
    sqMask_ = *reinterpret_cast<uint32_t*>(sq + p.sq_off.ring_mask);
    sqArray_ = reinterpret_cast<uint32_t*>(sq + p.sq_off.array);
    cqHead_ = reinterpret_cast<std::atomic<uint32_t>*>(cq + p.cq_off.head);
    cqTail_ = reinterpret_cast<std::atomic<uint32_t>*>(cq + p.cq_off.tail);
    cqMask_ = *reinterpret_cast<uint32_t*>(cq + p.cq_off.ring_mask);
    cqes_ = reinterpret_cast<io_uring_cqe*>(cq + p.cq_off.cqes);
    entries_ = p.sq_entries;
    // Sandboxes (seccomp, gVisor) may allow setup but refuse to run operations: prove a NOP works.
    io_uring_sqe* sqe = NextSqe();
    std::memset(sqe, 0, sizeof *sqe);
    sqe->opcode = IORING_OP_NOP;
    int res = 0;
    if (!SubmitAndWait(1, [&](uint64_t, int r) { res = r; })) { *why = std::string("io_uring_enter: ") + std::strerror(errno); return false; }
    if (res < 0) { *why = std::string("io_uring NOP: ") + std::strerror(-res); return false; }
    return true;
  }

  void Writev(IoReq* reqs, size_t n) override {
    std::vector<uint64_t> cancelled;
    for (size_t done = 0; done < n;) {
      size_t chunk = std::min<size_t>(n - done, entries_);
      for (size_t k = 0; k < chunk; k++) {
        IoReq& r = reqs[done + k];
        io_uring_sqe* sqe = NextSqe();
        std::memset(sqe, 0, sizeof *sqe);
        sqe->opcode = IORING_OP_WRITEV;
        sqe->fd = r.fd;
        sqe->off = r.pos;
        sqe->addr = reinterpret_cast<uint64_t>(r.iov);
        sqe->len = static_cast<uint32_t>(r.iovcnt);
        sqe->user_data = done + k;
        // Linked: the kernel starts the next write only once this one is done, so a crash cannot
        // leave the later write intact after a torn earlier one. Not across a chunk's end (the
        // chunk is waited for whole before the next is submitted).
        if (r.beforeNext && k + 1 < chunk) sqe->flags |= IOSQE_IO_LINK;
      }
      cancelled.clear();
      bool ok = SubmitAndWait(static_cast<unsigned>(chunk), [&](uint64_t idx, int res) {
        IoReq& r = reqs[idx];
        if (res == -ECANCELED && idx > done) cancelled.push_back(idx);
        else if (res < 0) r.result = res;
        else if (static_cast<size_t>(res) < r.bytes) r.result = WriteFully(r.fd, r.pos, r.iov, r.iovcnt, static_cast<size_t>(res));
        else r.result = 0;
      });
      // Cancelled because the write linked before it came up short or failed. Handled once every
      // completion of the chunk is in, in chain order, whatever order the kernel posted them in:
      // when the one before was finished by WriteFully, this one follows it the same way; when it
      // failed, so does this one (nothing of the round is acknowledged, nothing written past it).
      std::sort(cancelled.begin(), cancelled.end());
      for (uint64_t idx : cancelled) {
        IoReq& r = reqs[idx];
        r.result = reqs[idx - 1].result == 0 ? WriteFully(r.fd, r.pos, r.iov, r.iovcnt, 0) : reqs[idx - 1].result;
      }
      if (!ok) {
        for (size_t k = 0; k < chunk; k++) reqs[done + k].result = WriteFully(reqs[done + k].fd, reqs[done + k].pos, reqs[done + k].iov, reqs[done + k].iovcnt, 0);
      }
      done += chunk;
    }
  }

  void Datasync(const int* fds, int* results, size_t n) override {
    for (size_t done = 0; done < n;) {
      size_t chunk = std::min<size_t>(n - done, entries_);
      for (size_t k = 0; k < chunk; k++) {
        io_uring_sqe* sqe = NextSqe();
        std::memset(sqe, 0, sizeof *sqe);
        sqe->opcode = IORING_OP_FSYNC;
        sqe->fd = fds[done + k];
        sqe->fsync_flags = IORING_FSYNC_DATASYNC;
        sqe->user_data = done + k;
      }
      bool ok = SubmitAndWait(static_cast<unsigned>(chunk), [&](uint64_t idx, int res) { results[idx] = res < 0 ? res : 0; });
      if (!ok) for (size_t k = 0; k < chunk; k++) results[done + k] = fdatasync(fds[done + k]) == 0 ? 0 : -errno;
      done += chunk;
    }
  }

 private:
  static constexpr unsigned kEntries = 256;

  io_uring_sqe* NextSqe() {
    uint32_t tail = sqTail_->load(std::memory_order_relaxed);
    uint32_t idx = tail & sqMask_;
    sqArray_[idx] = idx;
    sqTail_->store(tail + 1, std::memory_order_release);
    return &sqes_[idx];
  }

  // Submits `count` queued SQEs and waits for all of their completions. Returns false when the
  // kernel refused part of the submission: what went in has completed by then, what did not is
  // taken back, and the caller redoes the round with blocking calls (writes are idempotent).
  template <typename F>
  bool SubmitAndWait(unsigned count, F&& onComplete) {
    unsigned submitted = 0, completed = 0;
    bool refused = false;
    while (completed < submitted || (!refused && submitted < count)) {
      unsigned toSubmit = refused ? 0 : count - submitted;
      int r = SysEnter(fd_, toSubmit, 1, IORING_ENTER_GETEVENTS);
      if (r < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EBUSY) { Reap(onComplete, &completed); continue; }
        if (toSubmit == 0) break;  // cannot even wait: nothing more we can do
        refused = true;
        sqTail_->store(sqTail_->load(std::memory_order_relaxed) - toSubmit, std::memory_order_release);
        continue;
      }
      submitted += static_cast<unsigned>(r);
      Reap(onComplete, &completed);
    }
    return !refused;
  }

  template <typename F>
  void Reap(F&& onComplete, unsigned* completed) {
    uint32_t head = cqHead_->load(std::memory_order_relaxed);
    uint32_t tail = cqTail_->load(std::memory_order_acquire);
    while (head != tail) {
      const io_uring_cqe& c = cqes_[head & cqMask_];
      onComplete(c.user_data, c.res);
      head++;
      (*completed)++;
    }
    cqHead_->store(head, std::memory_order_release);
  }

  int fd_ = -1;
  void* sqPtr_ = nullptr;
  void* cqPtr_ = nullptr;
  size_t sqSize_ = 0, cqSize_ = 0, sqesSize_ = 0;
  io_uring_sqe* sqes_ = nullptr;
  std::atomic<uint32_t>* sqHead_ = nullptr;
  std::atomic<uint32_t>* sqTail_ = nullptr;
  uint32_t sqMask_ = 0;
  uint32_t* sqArray_ = nullptr;
  std::atomic<uint32_t>* cqHead_ = nullptr;
  std::atomic<uint32_t>* cqTail_ = nullptr;
  uint32_t cqMask_ = 0;
  io_uring_cqe* cqes_ = nullptr;
  unsigned entries_ = 0;
};
#endif

}  // namespace

std::unique_ptr<IoBackend> IoBackend::Create(uint64_t mode, std::string* why) {
  if (mode == IO_PWRITE) return std::make_unique<PwriteBackend>();
#ifndef MR_NO_IO_URING
  if (!std::getenv("MILLRACE_DISABLE_IO_URING")) {
    auto uring = std::make_unique<UringBackend>();
    if (uring->Init(why)) return uring;
  } else {
    *why = "io_uring disabled by MILLRACE_DISABLE_IO_URING";
  }
#else
  *why = "io_uring is not available on this platform";
#endif
  if (mode == IO_URING) return nullptr;
  return std::make_unique<PwriteBackend>();
}

}  // namespace mr
