// execv(2) for Node 20, which has no process.execve (Node 22.15 and 23.11 added one): the process
// becomes a fresh run of a program, same pid, same descriptors 0–2 and environment. Mechanism
// only: which program and arguments, and why, is decided in TypeScript (src/cli/gc-mode.ts).
#include "process_exec.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "common.h"

namespace mr {
namespace {

// execFile(path, args): runs `path` with argv [path, ...args] in place of this process. Returns
// only by throwing MR_IO with the errno. libuv opens its descriptors close-on-exec, so the new
// program starts with stdio and nothing else of ours; Node marks stdio close-on-exec too (at
// startup), so that mark is taken off 0–2 first, or the program would start with them closed.
Napi::Value ExecFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsArray()) throw Napi::TypeError::New(env, "execFile expects a path and an array of strings");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  auto list = info[1].As<Napi::Array>();
  std::vector<std::string> args{path};
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list.Get(i);
    if (!v.IsString()) throw Napi::TypeError::New(env, "execFile expects an array of strings");
    args.push_back(v.As<Napi::String>().Utf8Value());
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  }
  execv(path.c_str(), argv.data());
  int e = errno;
  throw MakeError(env, Failure::Io("execv", path, e));
}

}  // namespace

void InitProcessExec(Napi::Env env, Napi::Object exports) {
  exports.Set("execFile", Napi::Function::New(env, ExecFile, "execFile"));
}

}  // namespace mr
