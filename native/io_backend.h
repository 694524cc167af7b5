// The write path: io_uring through its raw syscalls, or pwritev/fdatasync. The I/O thread hands
// a whole round of writes (or syncs) at once, so io_uring submits them with one syscall.
#pragma once
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace mr {

struct IoReq {
  int fd = -1;
  uint64_t pos = 0;
  const iovec* iov = nullptr;
  int iovcnt = 0;
  size_t bytes = 0;  // sum of iov lengths
  int result = 0;    // 0, or -errno once done
  // The next request writes after this one for the same log (a roll split the log's round across
  // two files, or kMaxWriteBytes split a write): backends that may run requests concurrently must
  // finish this one first.
  bool beforeNext = false;
};

class IoBackend {
 public:
  virtual ~IoBackend() = default;
  virtual const char* Name() const = 0;
  // Writes every request fully (short writes are continued); returns when all are done.
  virtual void Writev(IoReq* reqs, size_t n) = 0;
  // fdatasync(fds[i]) for each; results[i] is 0 or -errno.
  virtual void Datasync(const int* fds, int* results, size_t n) = 0;

  // mode: IO_AUTO tries io_uring then falls back; IO_URING fails (nullptr, *why set) if refused.
  static std::unique_ptr<IoBackend> Create(uint64_t mode, std::string* why);
};

// The most one write carries: a round merges a log's appends up to this and splits larger ones
// into linked writes of this size (io_service.cc). On Linux 6.18 (ext4, Firecracker VM) page-cache
// writes of 2 MiB or more ran 5-10x slower than writes of 1 MiB or less: their PMD-sized folios need
// contiguous memory, which on a VM is mostly memory the guest has not touched lately, so the copy
// into it faults page by page on the host. Merged without a cap, 1 KiB puts over TCP ran at
// 0.40-0.42 M records/s, capped 0.71-0.82 M (bench/RESULTS.md); 256 KiB does no better than 1 MiB.
inline constexpr size_t kMaxWriteBytes = size_t{1} << 20;

// Blocking pwritev loop that continues short writes; used by both backends.
int WriteFully(int fd, uint64_t pos, const iovec* iov, int iovcnt, size_t skip);

}  // namespace mr
