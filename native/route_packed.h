#pragma once
#include <napi.h>
namespace mr {
void InitRoutePacked(Napi::Env env, Napi::Object exports);
}
