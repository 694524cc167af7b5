// Module entry: registers the error factory and every binding. Each file that binds functions
// exposes an Init* function; this file only wires them together.
#include <napi.h>

#include "aead.h"
#include "common.h"
#include "crc32c.h"
#include "log_wrap.h"
#include "base64.h"
#include "md5_batch.h"
#include "process_exec.h"
#include "sockets.h"

namespace mr {
namespace {

struct AddonData {
  Napi::FunctionReference createError;
};

Napi::Value SetErrorFactory(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "init expects the createError function");
  auto* data = info.Env().GetInstanceData<AddonData>();
  data->createError = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// The baseline for benchmarks: the cost of crossing into the addon and back.
Napi::Value Noop(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

Napi::Value Crc32cJs(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "crc32c expects a Uint8Array");
  auto buf = info[0].As<Napi::Uint8Array>();
  uint32_t seed = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
  return Napi::Number::New(info.Env(), Crc32c(seed, buf.Data(), buf.ByteLength()));
}

}  // namespace

const char* ErrnoName(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOSPC: return "ENOSPC";
    case EIO: return "EIO";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOMEM: return "ENOMEM";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EROFS: return "EROFS";
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case EDQUOT: return "EDQUOT";
    default: return "EUNKNOWN";
  }
}

Napi::Error MakeError(Napi::Env env, const Failure& f) {
  auto* data = env.GetInstanceData<AddonData>();
  if (!data || data->createError.IsEmpty()) {
    Napi::Error e = Napi::Error::New(env, f.message);
    e.Set("code", f.code ? f.code : codes::IO);
    return e;
  }
  Napi::Object details = Napi::Object::New(env);
  if (!f.file.empty()) details.Set("file", f.file);
  if (f.position >= 0) details.Set("position", Napi::Number::New(env, static_cast<double>(f.position)));
  if (f.err) details.Set("errno", ErrnoName(f.err));
  Napi::Value err = data->createError.Call({Napi::String::New(env, f.code ? f.code : codes::IO), Napi::String::New(env, f.message), details});
  return Napi::Error(env, err);
}

Napi::Error MakeError(Napi::Env env, const char* code, const std::string& message) {
  Failure f;
  f.code = code;
  f.message = message;
  return MakeError(env, f);
}

void Throw(Napi::Env env, const char* code, const std::string& message) { throw MakeError(env, code, message); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  exports.Set("init", Napi::Function::New(env, SetErrorFactory, "init"));
  exports.Set("noop", Napi::Function::New(env, Noop, "noop"));
  exports.Set("crc32c", Napi::Function::New(env, Crc32cJs, "crc32c"));
  InitHashing(env, exports);
  InitBase64(env, exports);
  InitLog(env, exports);
  InitAead(env, exports);
  InitSockets(env, exports);
  InitProcessExec(env, exports);
  return exports;
}

}  // namespace mr

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return mr::Init(env, exports); }
NODE_API_MODULE(millrace, InitModule)
