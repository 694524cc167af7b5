// The N-API face of a Log. Arguments arrive checked by src/storage/shard-log.ts; this file only
// converts them. Completions from the I/O thread come back through one thread-safe function per
// log, coalesced: many acknowledged batches resolve in one hop to the JS thread.
#include "log_wrap.h"

#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "common.h"
#include "io_service.h"
#include "log.h"

namespace mr {
namespace {

struct Pending {
  Napi::Promise::Deferred deferred;
  Napi::Reference<Napi::Value> keepAlive;  // the payload Buffer, until the write is done
  bool isVoid = false;
};

// Shared between the JS-side wrapper and the I/O thread's notify hook.
struct Channel {
  std::mutex mu;
  bool open = true;
  std::atomic<bool> scheduled{false};
  Napi::ThreadSafeFunction tsfn;
};

class NativeLog : public Napi::ObjectWrap<NativeLog> {
 public:
  static Napi::FunctionReference* ctor;

  static void Define(Napi::Env env, Napi::Object exports) {
    Napi::Function fn = DefineClass(env, "NativeLog",
                                    {
                                        InstanceMethod<&NativeLog::Append>("append"),
                                        InstanceMethod<&NativeLog::Read>("readMapped"),
                                        InstanceMethod<&NativeLog::FindByTimestamp>("findByTimestamp"),
                                        InstanceMethod<&NativeLog::Trim>("trim"),
                                        InstanceMethod<&NativeLog::Flush>("flush"),
                                        InstanceMethod<&NativeLog::Close>("close"),
                                        InstanceMethod<&NativeLog::Stats>("stats"),
                                        InstanceMethod<&NativeLog::StartOffset>("startOffset"),
                                        InstanceMethod<&NativeLog::EndOffset>("endOffset"),
                                        InstanceMethod<&NativeLog::NextOffset>("nextOffset"),
                                        InstanceMethod<&NativeLog::OpenBatch>("openBatch"),
                                        InstanceMethod<&NativeLog::OpenBatchAsync>("openBatchAsync"),
                                        InstanceAccessor<&NativeLog::Io>("io"),
                                    });
    ctor = new Napi::FunctionReference(Napi::Persistent(fn));
    exports.Set("NativeLog", fn);
  }

  explicit NativeLog(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeLog>(info) {
    if (!info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "NativeLog is created by openLog()");
    log_ = *info[0].As<Napi::External<std::shared_ptr<Log>>>().Data();
    channel_ = std::make_shared<Channel>();
    Napi::Env env = info.Env();
    channel_->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "millrace-log", 0, 1);
    channel_->tsfn.Unref(env);
    std::weak_ptr<Channel> weak = channel_;
    NativeLog* self = this;
    log_->notify = [weak, self] {
      auto ch = weak.lock();
      if (!ch) return;
      std::lock_guard<std::mutex> lock(ch->mu);
      if (!ch->open || ch->scheduled.exchange(true)) return;
      ch->tsfn.NonBlockingCall([self, weak](Napi::Env env, Napi::Function) {
        auto c = weak.lock();
        if (!c) return;
        c->scheduled = false;
        self->Drain(env);
      });
    };
  }

  ~NativeLog() override {
    if (log_) log_->notify = nullptr;
    ReleaseChannel();
  }

 private:
  void ReleaseChannel() {
    if (!channel_) return;
    std::lock_guard<std::mutex> lock(channel_->mu);
    if (channel_->open) {
      channel_->open = false;
      channel_->tsfn.Release();
    }
  }

  void Track(Napi::Env env, uint64_t id, Pending p) {
    if (pending_.empty()) channel_->tsfn.Ref(env);
    pending_.emplace(id, std::move(p));
  }

  void Drain(Napi::Env env) {
    Napi::HandleScope scope(env);
    for (Completion& c : log_->TakeCompletions()) {
      auto it = pending_.find(c.id);
      if (it == pending_.end()) continue;
      Pending p = std::move(it->second);
      pending_.erase(it);
      if (c.failure) p.deferred.Reject(MakeError(env, c.failure).Value());
      else if (p.isVoid) p.deferred.Resolve(env.Undefined());
      else p.deferred.Resolve(Napi::Number::New(env, static_cast<double>(c.value)));
    }
    if (pending_.empty() && channel_) {
      std::lock_guard<std::mutex> lock(channel_->mu);
      if (channel_->open) channel_->tsfn.Unref(env);
    }
    if (log_->finished && pending_.empty()) ReleaseChannel();
  }

  // append(payload, count, baseTs, maxTs, flags, rawSize, keyRef, key?) -> Promise<firstOffset>
  // `key` (32 bytes) only with FLAG_ENCRYPTED: it is copied, and the copy wiped once sealed.
  Napi::Value Append(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto payload = info[0].As<Napi::Uint8Array>();
    AppendOp op;
    op.payload = payload.Data();
    op.payloadSize = static_cast<uint32_t>(payload.ByteLength());
    op.count = info[1].As<Napi::Number>().Uint32Value();
    op.baseTs = info[2].As<Napi::Number>().Int64Value();
    op.maxTs = info[3].As<Napi::Number>().Int64Value();
    op.flags = static_cast<uint16_t>(info[4].As<Napi::Number>().Uint32Value());
    op.rawSize = info[5].As<Napi::Number>().Uint32Value();
    op.keyRef = info[6].As<Napi::Number>().Uint32Value();
    if (op.flags & FLAG_ENCRYPTED) op.key = KeyArg(info, 7);
    if (Failure f = log_->ValidatePayload(op.payload, op.payloadSize, op.count, op.flags, op.baseTs, op.maxTs)) throw MakeError(env, f);
    const uint64_t id = op.id = ++nextId_;
    uint64_t first = 0;
    bool wroteInline = false;
    if (Failure f = log_->Append(std::move(op), &first, &wroteInline)) throw MakeError(env, f);
    Pending p{Napi::Promise::Deferred::New(env), Napi::Persistent(info[0]), false};
    Napi::Promise promise = p.deferred.Promise();
    Track(env, id, std::move(p));
    // Written on this thread: settle now rather than on the thread-safe function's callback, which
    // a busy event loop runs only after every I/O callback already queued (on the HTTP face, other
    // requests' bodies), so the caller's continuation is this turn's next microtask. Completions
    // of earlier appends, if any are waiting, settle first, in order.
    if (wroteInline) Drain(env);
    return promise;
  }

  // A memory-safety check only: ShardLog hands data keys it unwrapped itself.
  static DataKey KeyArg(const Napi::CallbackInfo& info, size_t i) {
    if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        info[i].As<Napi::Uint8Array>().ByteLength() != kAeadKeyBytes)
      Throw(info.Env(), codes::INVALID_ARGUMENT, "an encrypted batch needs a 32-byte data key");
    return DataKey(info[i].As<Napi::Uint8Array>().Data());
  }

  // Checked arguments of openBatch/openBatchAsync, and the output Buffer sized for the plaintext.
  struct OpenArgs {
    Napi::Uint8Array view;
    const uint8_t* batch;
    uint64_t avail;  // bytes of the view from the batch header on
    DataKey key;
    Napi::Buffer<uint8_t> out;
  };

  static OpenArgs ParseOpenArgs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto view = info[0].As<Napi::Uint8Array>();
    const uint64_t pos = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
    DataKey key = KeyArg(info, 2);
    if (pos + BATCH_HEADER_SIZE > view.ByteLength()) Throw(env, codes::INVALID_ARGUMENT, "position is outside the view");
    const uint8_t* batch = view.Data() + pos;
    const uint32_t stored = LoadU32(batch + B_OFF_PAYLOAD_SIZE);
    if (stored < kAeadOverhead || pos + BATCH_HEADER_SIZE + stored > view.ByteLength())
      Throw(env, codes::CORRUPT_BATCH, "encrypted batch payload does not fit its view");
    return {view, batch, view.ByteLength() - pos, std::move(key), Napi::Buffer<uint8_t>::New(env, stored - kAeadOverhead)};
  }

  // openBatch(view, position, key) -> Buffer: the plaintext payload of the encrypted batch whose
  // header starts at `position` in `view` (a Buffer from read()).
  Napi::Value OpenBatch(const Napi::CallbackInfo& info) {
    OpenArgs a = ParseOpenArgs(info);
    if (Failure f = log_->OpenSealed(a.batch, a.avail, a.key.data(), a.out.Data())) throw MakeError(info.Env(), f);
    return a.out;
  }

  // openBatchAsync(view, position, key) -> Promise<Buffer>: openBatch on a libuv pool thread, so a
  // reader decoding many batches opens them in parallel and off the JS thread.
  Napi::Value OpenBatchAsync(const Napi::CallbackInfo& info);

  Napi::Value ControlCall(Napi::Env env, ControlOp op, bool isVoid) {
    op.id = ++nextId_;
    if (Failure f = log_->Control(op)) throw MakeError(env, f);
    Pending p{Napi::Promise::Deferred::New(env), Napi::Reference<Napi::Value>(), isVoid};
    Napi::Promise promise = p.deferred.Promise();
    Track(env, op.id, std::move(p));
    return promise;
  }

  // readMapped(offset, maxRecords, maxBytes) -> { arrayBuffer, position, length, file } | null
  // `arrayBuffer` spans the whole mapping; src/storage/native.ts defines read() on top, making the
  // Buffer view of [position, position + length) (N-API on Node 20 cannot view an ArrayBuffer as a
  // Buffer).
  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ReadView view;
    const uint64_t offset = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
    const uint64_t maxRecords = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
    const uint64_t maxBytes = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
    if (Failure f = log_->Read(offset, maxRecords, maxBytes, &view)) throw MakeError(env, f);
    if (!view.map || view.endPos <= view.startPos) return env.Null();
    Napi::Object out = Napi::Object::New(env);
    out.Set("arrayBuffer", MappingArray(env, view.map));
    out.Set("position", Napi::Number::New(env, static_cast<double>(view.startPos)));
    out.Set("length", Napi::Number::New(env, static_cast<double>(view.endPos - view.startPos)));
    out.Set("file", view.file);
    return out;
  }

  // The one ArrayBuffer over `map`, shared by every read of it while any view is alive. An
  // external buffer per read made V8 count its length as new external memory each time: at
  // millions of records/s that alone drove back-to-back full collections of a 10 MB heap.
  // The ArrayBuffer holds the mapping (retention and idle release see a viewed mapping through
  // use_count, as before); the cache holds neither, so the last view's collection still frees it.
  Napi::ArrayBuffer MappingArray(Napi::Env env, const std::shared_ptr<Mapping>& map) {
    auto it = mappingArrays_.find(map.get());
    if (it != mappingArrays_.end() && it->second.map.lock() == map) {
      Napi::Value v = it->second.array.Value();
      if (!v.IsEmpty()) return v.As<Napi::ArrayBuffer>();
    }
    // The mapping is page cache, not heap: its length is taken out of V8's external-memory count
    // before V8 adds it (so creating one never forces a collection), and put back by the finalizer
    // (V8 subtracts it again when it frees the ArrayBuffer).
    const int64_t len = static_cast<int64_t>(map->len);
    Napi::MemoryManagement::AdjustExternalMemory(env, -len);
    Napi::ArrayBuffer array;
    auto* hold = new std::shared_ptr<Mapping>(map);
    try {
      array = Napi::ArrayBuffer::New(
          env, map->addr, map->len,
          [](Napi::Env e, void*, std::shared_ptr<Mapping>* h) {
            Napi::MemoryManagement::AdjustExternalMemory(e, static_cast<int64_t>((*h)->len));
            delete h;
          },
          hold);
    } catch (...) {
      // No finalizer was registered: undo here what it would have undone.
      Napi::MemoryManagement::AdjustExternalMemory(env, len);
      delete hold;
      throw;
    }
    if (it != mappingArrays_.end()) {
      it->second = {map, Napi::Weak(array)};
    } else {
      if (mappingArrays_.size() >= pruneAt_) PruneMappingArrays();
      mappingArrays_.emplace(map.get(), MappedArray{map, Napi::Weak(array)});
    }
    return array;
  }

  // Drops entries whose ArrayBuffer was collected; amortized by doubling the threshold.
  void PruneMappingArrays() {
    for (auto it = mappingArrays_.begin(); it != mappingArrays_.end();) {
      if (it->second.array.Value().IsEmpty()) it = mappingArrays_.erase(it);
      else ++it;
    }
    pruneAt_ = std::max<size_t>(16, mappingArrays_.size() * 2);
  }

  Napi::Value FindByTimestamp(const Napi::CallbackInfo& info) {
    uint64_t offset = 0;
    if (Failure f = log_->FindByTimestamp(info[0].As<Napi::Number>().Int64Value(), &offset)) throw MakeError(info.Env(), f);
    return Napi::Number::New(info.Env(), static_cast<double>(offset));
  }

  // trim(olderThan | null, maxBytes, beforeOffset) -> Promise<segmentsRemoved>
  Napi::Value Trim(const Napi::CallbackInfo& info) {
    ControlOp op;
    op.kind = ControlKind::Trim;
    op.olderThan = info[0].IsNumber() ? info[0].As<Napi::Number>().Int64Value() : kNoTs;
    op.maxBytes = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
    op.beforeOffset = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
    return ControlCall(info.Env(), op, false);
  }

  Napi::Value Flush(const Napi::CallbackInfo& info) {
    ControlOp op;
    op.kind = ControlKind::Flush;
    return ControlCall(info.Env(), op, true);
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    ControlOp op;
    op.kind = ControlKind::Close;
    return ControlCall(info.Env(), op, true);
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    LogStats s = log_->Stats();
    Napi::Object o = Napi::Object::New(env);
    o.Set("startOffset", Napi::Number::New(env, static_cast<double>(s.startOffset)));
    o.Set("endOffset", Napi::Number::New(env, static_cast<double>(s.endOffset)));
    o.Set("segments", Napi::Number::New(env, static_cast<double>(s.segments)));
    o.Set("bytes", Napi::Number::New(env, static_cast<double>(s.bytes)));
    o.Set("firstTimestamp", s.firstTs == kNoTs ? env.Undefined() : Napi::Number::New(env, static_cast<double>(s.firstTs)));
    o.Set("lastTimestamp", s.lastTs == kNoTs ? env.Undefined() : Napi::Number::New(env, static_cast<double>(s.lastTs)));
    return o;
  }

  Napi::Value StartOffset(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(log_->StartOffset())); }
  Napi::Value EndOffset(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(log_->EndOffset())); }
  Napi::Value NextOffset(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(log_->NextOffset())); }
  Napi::Value Io(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), log_->IoName()); }

  std::shared_ptr<Log> log_;
  std::shared_ptr<Channel> channel_;
  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t nextId_ = 0;
  // Keyed by address; `map` tells a live entry from one whose mapping was freed and the address
  // reused. `array` is weak: only views keep an ArrayBuffer alive.
  struct MappedArray {
    std::weak_ptr<Mapping> map;
    Napi::Reference<Napi::ArrayBuffer> array;
  };
  std::unordered_map<const Mapping*, MappedArray> mappingArrays_;
  size_t pruneAt_ = 16;
};

Napi::FunctionReference* NativeLog::ctor = nullptr;

class OpenWorker : public Napi::AsyncWorker {
 public:
  OpenWorker(Napi::Env env, std::string dir, LogOptions opts)
      : Napi::AsyncWorker(env), dir_(std::move(dir)), opts_(opts), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { failure_ = Log::Open(dir_, opts_, &log_); }
  void OnOK() override {
    Napi::Env env = Env();
    if (failure_) {
      deferred_.Reject(MakeError(env, failure_).Value());
      return;
    }
    auto ext = Napi::External<std::shared_ptr<Log>>::New(env, &log_);
    deferred_.Resolve(NativeLog::ctor->New({ext}));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string dir_;
  LogOptions opts_;
  Napi::Promise::Deferred deferred_;
  Failure failure_;
  std::shared_ptr<Log> log_;
};

// Opens one sealed batch on a pool thread. The view (and so its mapping) and the output Buffer are
// held by references until the promise settles; nothing else is touched off the JS thread.
class OpenBatchWorker : public Napi::AsyncWorker {
 public:
  OpenBatchWorker(Napi::Env env, std::shared_ptr<Log> log, Napi::Uint8Array view, const uint8_t* batch, uint64_t avail, DataKey key,
                  Napi::Buffer<uint8_t> out)
      : Napi::AsyncWorker(env, "millrace:openBatch"),
        log_(std::move(log)),
        view_(Napi::Persistent(view)),
        out_(Napi::Persistent(out)),
        batch_(batch),
        avail_(avail),
        outData_(out.Data()),
        key_(std::move(key)),
        deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { failure_ = log_->OpenSealed(batch_, avail_, key_.data(), outData_); }
  void OnOK() override {
    key_.Wipe();
    if (failure_) deferred_.Reject(MakeError(Env(), failure_).Value());
    else deferred_.Resolve(out_.Value());
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::shared_ptr<Log> log_;
  Napi::Reference<Napi::Uint8Array> view_;
  Napi::Reference<Napi::Buffer<uint8_t>> out_;
  const uint8_t* batch_;
  uint64_t avail_;
  uint8_t* outData_;
  DataKey key_;
  Napi::Promise::Deferred deferred_;
  Failure failure_;
};

Napi::Value NativeLog::OpenBatchAsync(const Napi::CallbackInfo& info) {
  OpenArgs a = ParseOpenArgs(info);
  auto* worker = new OpenBatchWorker(info.Env(), log_, a.view, a.batch, a.avail, std::move(a.key), a.out);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

uint64_t OptU64(const Napi::Object& o, const char* key, uint64_t dflt) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? static_cast<uint64_t>(v.As<Napi::Number>().Int64Value()) : dflt;
}

// openLog(dir, { segmentBytes, durability, syncIntervalMs, indexIntervalBytes, io, aad }) -> Promise<NativeLog>
Napi::Value OpenLog(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string dir = info[0].As<Napi::String>().Utf8Value();
  Napi::Object o = info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
  LogOptions opts;
  opts.segmentBytes = OptU64(o, "segmentBytes", opts.segmentBytes);
  opts.durability = OptU64(o, "durability", opts.durability);
  opts.syncIntervalMs = OptU64(o, "syncIntervalMs", opts.syncIntervalMs);
  opts.indexIntervalBytes = OptU64(o, "indexIntervalBytes", opts.indexIntervalBytes);
  opts.io = OptU64(o, "io", opts.io);
  if (o.Get("aad").IsTypedArray()) {
    auto aad = o.Get("aad").As<Napi::Uint8Array>();
    opts.aad.assign(reinterpret_cast<const char*>(aad.Data()), aad.ByteLength());
  }
  auto* worker = new OpenWorker(env, dir, opts);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

// validateRecords(payload, count, span): throws MR_INVALID_ARGUMENT unless the payload holds
// exactly `count` well-formed packed records (checked before a payload is compressed).
Napi::Value ValidateRecordsJs(const Napi::CallbackInfo& info) {
  auto payload = info[0].As<Napi::Uint8Array>();
  if (Failure f = ValidateRecords(payload.Data(), static_cast<uint32_t>(payload.ByteLength()), info[1].As<Napi::Number>().Uint32Value(),
                                  static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value())))
    throw MakeError(info.Env(), f);
  return info.Env().Undefined();
}

// ioStats() -> cumulative I/O-thread counters (io_service.h IoCounters), milliseconds and bytes.
Napi::Value IoStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const IoCounters& c = IoService::Get().counters;
  Napi::Object o = Napi::Object::New(env);
  auto ms = [&](const std::atomic<uint64_t>& ns) { return Napi::Number::New(env, static_cast<double>(ns.load()) / 1e6); };
  o.Set("rounds", Napi::Number::New(env, static_cast<double>(c.rounds.load())));
  o.Set("writeMs", ms(c.writeNs));
  o.Set("syncMs", ms(c.syncNs));
  o.Set("fillMs", ms(c.fillNs));
  o.Set("fillWaitMs", ms(c.fillWaitNs));
  o.Set("fillBytes", Napi::Number::New(env, static_cast<double>(c.fillBytes.load())));
  o.Set("unfilledBytes", Napi::Number::New(env, static_cast<double>(c.unfilledBytes.load())));
  o.Set("intervalSyncs", Napi::Number::New(env, static_cast<double>(c.intervalSyncs.load())));
  o.Set("intervalSyncMs", ms(c.intervalSyncNs));
  o.Set("inlineRounds", Napi::Number::New(env, static_cast<double>(c.inlineRounds.load())));
  o.Set("writes", Napi::Number::New(env, static_cast<double>(c.writes.load())));
  o.Set("appendsWritten", Napi::Number::New(env, static_cast<double>(c.appendsWritten.load())));
  return o;
}

Napi::Value SetIdleMs(const Napi::CallbackInfo& info) {
  IoService::Get().SetIdleMs(info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

}  // namespace

void InitLog(Napi::Env env, Napi::Object exports) {
  NativeLog::Define(env, exports);
  exports.Set("openLog", Napi::Function::New(env, OpenLog, "openLog"));
  exports.Set("setIdleMs", Napi::Function::New(env, SetIdleMs, "setIdleMs"));
  exports.Set("ioStats", Napi::Function::New(env, IoStats, "ioStats"));
  exports.Set("validateRecords", Napi::Function::New(env, ValidateRecordsJs, "validateRecords"));
}

}  // namespace mr
