#pragma once
#include <napi.h>
namespace mr {
void InitHashing(Napi::Env env, Napi::Object exports);
}
