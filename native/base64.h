#pragma once
#include <napi.h>
namespace mr {
void InitBase64(Napi::Env env, Napi::Object exports);
}
