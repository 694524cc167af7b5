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
  // two files): backends that may run requests concurrently must finish this one first.
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

// Blocking pwritev loop that continues short writes; used by both backends.
int WriteFully(int fd, uint64_t pos, const iovec* iov, int iovcnt, size_t skip);

}  // namespace mr
