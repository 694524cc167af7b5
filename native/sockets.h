#pragma once
#include <napi.h>
namespace mr {
void InitSockets(Napi::Env env, Napi::Object exports);
}
