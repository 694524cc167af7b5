#pragma once
#include <napi.h>
namespace mr {
// Binds `openLog(dir, options) -> Promise<NativeLog>` and the NativeLog class.
void InitLog(Napi::Env env, Napi::Object exports);
}
