// Descriptor-level operations on sockets Node has accepted or bound, for what net.Socket does not
// offer. Mechanism only: which protocol the peeked bytes mean is decided in TypeScript.
#include "sockets.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "common.h"

namespace mr {
namespace {

int FdArg(const Napi::CallbackInfo& info, const char* name) {
  if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " expects a file descriptor");
  return info[0].As<Napi::Number>().Int32Value();
}

// A second descriptor for an accepted socket, so that a net.Socket of our own (one that reads into
// buffers we choose, through `onread`) can own the connection while Node's socket, whose reads
// allocate a fresh 64 KiB buffer each, is closed. The socket stays open while either refers to it.
Napi::Value DupFd(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, "dupFd");
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    int e = errno;
    Failure f = Failure::Io("fcntl(F_DUPFD_CLOEXEC)", "descriptor " + std::to_string(fd), e);
    throw MakeError(info.Env(), f);
  }
  return Napi::Number::New(info.Env(), copy);
}

// The first bytes waiting on a socket, copied into `out` and left in the kernel's queue
// (MSG_PEEK), without blocking: the count copied, 0 at end of stream, or -errno (-EAGAIN when
// nothing has arrived yet). The HTTP listener uses it to pick a protocol before any reader, JS or
// native, has taken a byte, so the chosen server reads the connection from its first byte itself.
Napi::Value PeekSocket(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, "peekSocket");
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "peekSocket expects a Uint8Array");
  auto out = info[1].As<Napi::Uint8Array>();
  ssize_t n;
  do {
    n = recv(fd, out.Data(), out.ByteLength(), MSG_PEEK | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  return Napi::Number::New(info.Env(), n < 0 ? -errno : static_cast<double>(n));
}

// TCP_DEFER_ACCEPT on a listening socket: the kernel hands a connection to accept() only once its
// first data has arrived (or after `seconds`), so a client-speaks-first protocol finds its first
// bytes already there. Returns whether the option was set.
Napi::Value SetDeferAccept(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, "setDeferAccept");
  int seconds = info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 1;
#ifdef TCP_DEFER_ACCEPT
  return Napi::Boolean::New(info.Env(), setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds) == 0);
#else
  (void)fd;
  (void)seconds;
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace

void InitSockets(Napi::Env env, Napi::Object exports) {
  exports.Set("dupFd", Napi::Function::New(env, DupFd, "dupFd"));
  exports.Set("peekSocket", Napi::Function::New(env, PeekSocket, "peekSocket"));
  exports.Set("setDeferAccept", Napi::Function::New(env, SetDeferAccept, "setDeferAccept"));
}

}  // namespace mr
